// Original file: proto/florin/v1/series.proto

import type { Long } from '@grpc/proto-loader';

export interface WriteResponseInput {
  'rowsWritten'?: (number | string | Long);
  'covered'?: (boolean);
}

export interface WriteResponseOutput {
  'rowsWritten': (number);
  'covered': (boolean);
}
