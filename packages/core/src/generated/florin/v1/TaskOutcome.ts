// Original file: proto/florin/v1/jobs.proto

import type { TaskLogLineInput as _florin_v1_TaskLogLineInput, TaskLogLineOutput as _florin_v1_TaskLogLineOutput } from '../../florin/v1/TaskLogLine.js';

export interface TaskOutcomeInput {
  'taskId'?: (string);
  'attempt'?: (number);
  'ok'?: (boolean);
  'resultJson'?: (string);
  'error'?: (string);
  'stack'?: (string);
  'retryable'?: (boolean);
  'log'?: (_florin_v1_TaskLogLineInput)[];
}

export interface TaskOutcomeOutput {
  'taskId': (string);
  'attempt': (number);
  'ok': (boolean);
  'resultJson': (string);
  'error': (string);
  'stack': (string);
  'retryable': (boolean);
  'log': (_florin_v1_TaskLogLineOutput)[];
}
