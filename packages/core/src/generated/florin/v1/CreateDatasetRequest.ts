// Original file: proto/florin/v1/series.proto

import type { DatasetInfoInput as _florin_v1_DatasetInfoInput, DatasetInfoOutput as _florin_v1_DatasetInfoOutput } from '../../florin/v1/DatasetInfo.js';

export interface CreateDatasetRequestInput {
  'dataset'?: (_florin_v1_DatasetInfoInput | null);
  'grants'?: (string)[];
}

export interface CreateDatasetRequestOutput {
  'dataset': (_florin_v1_DatasetInfoOutput | null);
  'grants': (string)[];
}
