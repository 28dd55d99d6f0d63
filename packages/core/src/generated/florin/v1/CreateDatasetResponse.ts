// Original file: proto/florin/v1/series.proto

import type { DatasetInfoInput as _florin_v1_DatasetInfoInput, DatasetInfoOutput as _florin_v1_DatasetInfoOutput } from '../../florin/v1/DatasetInfo.js';

export interface CreateDatasetResponseInput {
  'dataset'?: (_florin_v1_DatasetInfoInput | null);
  'created'?: (boolean);
}

export interface CreateDatasetResponseOutput {
  'dataset': (_florin_v1_DatasetInfoOutput | null);
  'created': (boolean);
}
