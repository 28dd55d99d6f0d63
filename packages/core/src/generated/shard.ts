import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CreateDatasetRequestInput as _florin_v1_CreateDatasetRequestInput, CreateDatasetRequestOutput as _florin_v1_CreateDatasetRequestOutput } from './florin/v1/CreateDatasetRequest.js';
import type { CreateDatasetResponseInput as _florin_v1_CreateDatasetResponseInput, CreateDatasetResponseOutput as _florin_v1_CreateDatasetResponseOutput } from './florin/v1/CreateDatasetResponse.js';
import type { DatasetInfoInput as _florin_v1_DatasetInfoInput, DatasetInfoOutput as _florin_v1_DatasetInfoOutput } from './florin/v1/DatasetInfo.js';
import type { DescribeShardRequestInput as _florin_v1_DescribeShardRequestInput, DescribeShardRequestOutput as _florin_v1_DescribeShardRequestOutput } from './florin/v1/DescribeShardRequest.js';
import type { DescribeShardResponseInput as _florin_v1_DescribeShardResponseInput, DescribeShardResponseOutput as _florin_v1_DescribeShardResponseOutput } from './florin/v1/DescribeShardResponse.js';
import type { ListDatasetsRequestInput as _florin_v1_ListDatasetsRequestInput, ListDatasetsRequestOutput as _florin_v1_ListDatasetsRequestOutput } from './florin/v1/ListDatasetsRequest.js';
import type { ListDatasetsResponseInput as _florin_v1_ListDatasetsResponseInput, ListDatasetsResponseOutput as _florin_v1_ListDatasetsResponseOutput } from './florin/v1/ListDatasetsResponse.js';
import type { ListSymbolsRequestInput as _florin_v1_ListSymbolsRequestInput, ListSymbolsRequestOutput as _florin_v1_ListSymbolsRequestOutput } from './florin/v1/ListSymbolsRequest.js';
import type { ListSymbolsResponseInput as _florin_v1_ListSymbolsResponseInput, ListSymbolsResponseOutput as _florin_v1_ListSymbolsResponseOutput } from './florin/v1/ListSymbolsResponse.js';
import type { ReadChunkInput as _florin_v1_ReadChunkInput, ReadChunkOutput as _florin_v1_ReadChunkOutput } from './florin/v1/ReadChunk.js';
import type { ReadRequestInput as _florin_v1_ReadRequestInput, ReadRequestOutput as _florin_v1_ReadRequestOutput } from './florin/v1/ReadRequest.js';
import type { SeriesBlockInput as _florin_v1_SeriesBlockInput, SeriesBlockOutput as _florin_v1_SeriesBlockOutput } from './florin/v1/SeriesBlock.js';
import type { ShardServiceClient as _florin_v1_ShardServiceClient, ShardServiceDefinition as _florin_v1_ShardServiceDefinition } from './florin/v1/ShardService.js';
import type { WriteRequestInput as _florin_v1_WriteRequestInput, WriteRequestOutput as _florin_v1_WriteRequestOutput } from './florin/v1/WriteRequest.js';
import type { WriteResponseInput as _florin_v1_WriteResponseInput, WriteResponseOutput as _florin_v1_WriteResponseOutput } from './florin/v1/WriteResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  florin: {
    v1: {
      CreateDatasetRequest: MessageTypeDefinition<_florin_v1_CreateDatasetRequestInput, _florin_v1_CreateDatasetRequestOutput>
      CreateDatasetResponse: MessageTypeDefinition<_florin_v1_CreateDatasetResponseInput, _florin_v1_CreateDatasetResponseOutput>
      DatasetInfo: MessageTypeDefinition<_florin_v1_DatasetInfoInput, _florin_v1_DatasetInfoOutput>
      DescribeShardRequest: MessageTypeDefinition<_florin_v1_DescribeShardRequestInput, _florin_v1_DescribeShardRequestOutput>
      DescribeShardResponse: MessageTypeDefinition<_florin_v1_DescribeShardResponseInput, _florin_v1_DescribeShardResponseOutput>
      ListDatasetsRequest: MessageTypeDefinition<_florin_v1_ListDatasetsRequestInput, _florin_v1_ListDatasetsRequestOutput>
      ListDatasetsResponse: MessageTypeDefinition<_florin_v1_ListDatasetsResponseInput, _florin_v1_ListDatasetsResponseOutput>
      ListSymbolsRequest: MessageTypeDefinition<_florin_v1_ListSymbolsRequestInput, _florin_v1_ListSymbolsRequestOutput>
      ListSymbolsResponse: MessageTypeDefinition<_florin_v1_ListSymbolsResponseInput, _florin_v1_ListSymbolsResponseOutput>
      ReadChunk: MessageTypeDefinition<_florin_v1_ReadChunkInput, _florin_v1_ReadChunkOutput>
      ReadRequest: MessageTypeDefinition<_florin_v1_ReadRequestInput, _florin_v1_ReadRequestOutput>
      SeriesBlock: MessageTypeDefinition<_florin_v1_SeriesBlockInput, _florin_v1_SeriesBlockOutput>
      ShardService: SubtypeConstructor<typeof grpc.Client, _florin_v1_ShardServiceClient> & { service: _florin_v1_ShardServiceDefinition }
      WriteRequest: MessageTypeDefinition<_florin_v1_WriteRequestInput, _florin_v1_WriteRequestOutput>
      WriteResponse: MessageTypeDefinition<_florin_v1_WriteResponseInput, _florin_v1_WriteResponseOutput>
    }
  }
}

