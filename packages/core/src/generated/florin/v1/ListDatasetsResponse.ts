// Original file: proto/florin/v1/series.proto

import type { DatasetInfoInput as _florin_v1_DatasetInfoInput, DatasetInfoOutput as _florin_v1_DatasetInfoOutput } from '../../florin/v1/DatasetInfo.js';

export interface ListDatasetsResponseInput {
  'datasets'?: (_florin_v1_DatasetInfoInput)[];
}

export interface ListDatasetsResponseOutput {
  'datasets': (_florin_v1_DatasetInfoOutput)[];
}
