// Original file: proto/florin/v1/jobs.proto


export interface GetJobRequestInput {
  'jobId'?: (string);
}

export interface GetJobRequestOutput {
  'jobId': (string);
}
