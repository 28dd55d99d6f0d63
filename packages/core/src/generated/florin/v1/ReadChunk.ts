// Original file: proto/florin/v1/series.proto

import type { SeriesBlockInput as _florin_v1_SeriesBlockInput, SeriesBlockOutput as _florin_v1_SeriesBlockOutput } from '../../florin/v1/SeriesBlock.js';

export interface ReadChunkInput {
  'fields'?: (string)[];
  'blocks'?: (_florin_v1_SeriesBlockInput)[];
}

export interface ReadChunkOutput {
  'fields': (string)[];
  'blocks': (_florin_v1_SeriesBlockOutput)[];
}
