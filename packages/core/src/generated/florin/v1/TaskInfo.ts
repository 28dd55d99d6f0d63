// Original file: proto/florin/v1/jobs.proto

import type { TaskStateInput as _florin_v1_TaskStateInput, TaskStateOutput as _florin_v1_TaskStateOutput } from '../../florin/v1/TaskState.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskInfoInput {
  'index'?: (number);
  'state'?: (_florin_v1_TaskStateInput);
  'attempts'?: (number);
  'failures'?: (number);
  'expiries'?: (number);
  'workerId'?: (string);
  'startedMs'?: (number | string | Long);
  'updatedMs'?: (number | string | Long);
  'final'?: (boolean);
  'symbolCount'?: (number);
  'firstSymbol'?: (string);
  'error'?: (string);
  'errorStack'?: (string);
}

export interface TaskInfoOutput {
  'index': (number);
  'state': (_florin_v1_TaskStateOutput);
  'attempts': (number);
  'failures': (number);
  'expiries': (number);
  'workerId': (string);
  'startedMs': (number);
  'updatedMs': (number);
  'final': (boolean);
  'symbolCount': (number);
  'firstSymbol': (string);
  'error': (string);
  'errorStack': (string);
}
