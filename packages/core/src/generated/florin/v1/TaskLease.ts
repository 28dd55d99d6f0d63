// Original file: proto/florin/v1/jobs.proto


export interface TaskLeaseInput {
  'taskId'?: (string);
  'attempt'?: (number);
}

export interface TaskLeaseOutput {
  'taskId': (string);
  'attempt': (number);
}
