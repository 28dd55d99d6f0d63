// Original file: proto/florin/v1/jobs.proto

import type { Long } from '@grpc/proto-loader';

export interface ExtendedLeaseInput {
  'taskId'?: (string);
  'attempt'?: (number);
  'leaseExpiresMs'?: (number | string | Long);
  'grant'?: (string);
}

export interface ExtendedLeaseOutput {
  'taskId': (string);
  'attempt': (number);
  'leaseExpiresMs': (number);
  'grant': (string);
}
