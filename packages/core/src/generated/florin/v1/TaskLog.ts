// Original file: proto/florin/v1/jobs.proto

import type { TaskLogLineInput as _florin_v1_TaskLogLineInput, TaskLogLineOutput as _florin_v1_TaskLogLineOutput } from '../../florin/v1/TaskLogLine.js';

export interface TaskLogInput {
  'index'?: (number);
  'final'?: (boolean);
  'attempt'?: (number);
  'state'?: (string);
  'lines'?: (_florin_v1_TaskLogLineInput)[];
}

export interface TaskLogOutput {
  'index': (number);
  'final': (boolean);
  'attempt': (number);
  'state': (string);
  'lines': (_florin_v1_TaskLogLineOutput)[];
}
