// Original file: proto/florin/v1/jobs.proto


export interface TaskOutcomeInput {
  'taskId'?: (string);
  'attempt'?: (number);
  'ok'?: (boolean);
  'resultJson'?: (string);
  'error'?: (string);
  'stack'?: (string);
  'retryable'?: (boolean);
}

export interface TaskOutcomeOutput {
  'taskId': (string);
  'attempt': (number);
  'ok': (boolean);
  'resultJson': (string);
  'error': (string);
  'stack': (string);
  'retryable': (boolean);
}
