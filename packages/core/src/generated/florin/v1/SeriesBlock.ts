// Original file: proto/florin/v1/series.proto

import type { Long } from '@grpc/proto-loader';

export interface SeriesBlockInput {
  'symbol'?: (string);
  'timestamps'?: (Buffer | Uint8Array | string);
  'columns'?: (Buffer | Uint8Array | string)[];
  'last'?: (boolean);
  'totalRows'?: (number | string | Long);
  'padding'?: (Buffer | Uint8Array | string)[];
}

export interface SeriesBlockOutput {
  'symbol': (string);
  'timestamps': (Buffer);
  'columns': (Buffer)[];
  'last': (boolean);
  'totalRows': (number);
  'padding': (Buffer)[];
}
