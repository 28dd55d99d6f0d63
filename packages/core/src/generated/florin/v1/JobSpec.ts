// Original file: proto/florin/v1/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface JobSpecInput {
  'unit'?: (string);
  'unitVersion'?: (string);
  'dataset'?: (string);
  'symbols'?: (string)[];
  'startMs'?: (number | string | Long);
  'endMs'?: (number | string | Long);
  'taskSize'?: (number);
  'paramsJson'?: (string);
  'outputDataset'?: (string);
  'idempotencyKey'?: (string);
  'maxAttempts'?: (number);
}

export interface JobSpecOutput {
  'unit': (string);
  'unitVersion': (string);
  'dataset': (string);
  'symbols': (string)[];
  'startMs': (number);
  'endMs': (number);
  'taskSize': (number);
  'paramsJson': (string);
  'outputDataset': (string);
  'idempotencyKey': (string);
  'maxAttempts': (number);
}
