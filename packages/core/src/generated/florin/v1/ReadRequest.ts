// Original file: proto/florin/v1/series.proto

import type { Long } from '@grpc/proto-loader';

export interface ReadRequestInput {
  'dataset'?: (string);
  'symbols'?: (string)[];
  'fields'?: (string)[];
  'startMs'?: (number | string | Long);
  'endMs'?: (number | string | Long);
}

export interface ReadRequestOutput {
  'dataset': (string);
  'symbols': (string)[];
  'fields': (string)[];
  'startMs': (number);
  'endMs': (number);
}
