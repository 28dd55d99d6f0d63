// Original file: proto/florin/v1/jobs.proto

import type { UnitRefInput as _florin_v1_UnitRefInput, UnitRefOutput as _florin_v1_UnitRefOutput } from '../../florin/v1/UnitRef.js';
import type { TaskPartInput as _florin_v1_TaskPartInput, TaskPartOutput as _florin_v1_TaskPartOutput } from '../../florin/v1/TaskPart.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskInput {
  'taskId'?: (string);
  'jobId'?: (string);
  'index'?: (number);
  'attempt'?: (number);
  'unit'?: (_florin_v1_UnitRefInput | null);
  'final'?: (boolean);
  'dataset'?: (string);
  'symbols'?: (string)[];
  'startMs'?: (number | string | Long);
  'endMs'?: (number | string | Long);
  'paramsJson'?: (string);
  'outputDataset'?: (string);
  'parts'?: (_florin_v1_TaskPartInput)[];
  'leaseExpiresMs'?: (number | string | Long);
  'maxAttempts'?: (number);
  'traceparent'?: (string);
  'grant'?: (string);
}

export interface TaskOutput {
  'taskId': (string);
  'jobId': (string);
  'index': (number);
  'attempt': (number);
  'unit': (_florin_v1_UnitRefOutput | null);
  'final': (boolean);
  'dataset': (string);
  'symbols': (string)[];
  'startMs': (number);
  'endMs': (number);
  'paramsJson': (string);
  'outputDataset': (string);
  'parts': (_florin_v1_TaskPartOutput)[];
  'leaseExpiresMs': (number);
  'maxAttempts': (number);
  'traceparent': (string);
  'grant': (string);
}
