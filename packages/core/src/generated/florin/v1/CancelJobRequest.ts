// Original file: proto/florin/v1/jobs.proto


export interface CancelJobRequestInput {
  'jobId'?: (string);
}

export interface CancelJobRequestOutput {
  'jobId': (string);
}
