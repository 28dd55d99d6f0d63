// Original file: proto/florin/v1/series.proto

import type { SeriesBlockInput as _florin_v1_SeriesBlockInput, SeriesBlockOutput as _florin_v1_SeriesBlockOutput } from '../../florin/v1/SeriesBlock.js';
import type { Long } from '@grpc/proto-loader';

export interface WriteRequestInput {
  'dataset'?: (string);
  'fields'?: (string)[];
  'blocks'?: (_florin_v1_SeriesBlockInput)[];
  'jobId'?: (string);
  'grants'?: (string)[];
  'coverStartMs'?: (number | string | Long);
  'coverEndMs'?: (number | string | Long);
}

export interface WriteRequestOutput {
  'dataset': (string);
  'fields': (string)[];
  'blocks': (_florin_v1_SeriesBlockOutput)[];
  'jobId': (string);
  'grants': (string)[];
  'coverStartMs': (number);
  'coverEndMs': (number);
}
