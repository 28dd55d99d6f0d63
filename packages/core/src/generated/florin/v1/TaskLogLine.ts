// Original file: proto/florin/v1/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface TaskLogLineInput {
  'timeMs'?: (number | string | Long);
  'message'?: (string);
}

export interface TaskLogLineOutput {
  'timeMs': (number);
  'message': (string);
}
