// Original file: proto/florin/v1/jobs.proto


export interface WatchJobRequestInput {
  'jobId'?: (string);
}

export interface WatchJobRequestOutput {
  'jobId': (string);
}
