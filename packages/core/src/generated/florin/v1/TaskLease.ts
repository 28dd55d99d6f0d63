// Original file: proto/florin/v1/jobs.proto


export interface TaskLeaseInput {
  'taskId'?: (string);
  'attempt'?: (number);
  'progress'?: (number | string);
  'progressMessage'?: (string);
}

export interface TaskLeaseOutput {
  'taskId': (string);
  'attempt': (number);
  'progress': (number);
  'progressMessage': (string);
}
