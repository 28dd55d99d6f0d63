// Original file: proto/florin/v1/jobs.proto


export interface JobLogsRequestInput {
  'jobId'?: (string);
}

export interface JobLogsRequestOutput {
  'jobId': (string);
}
