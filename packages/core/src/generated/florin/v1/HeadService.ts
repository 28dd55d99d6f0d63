// Original file: proto/florin/v1/head.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateDatasetRequestInput as _florin_v1_CreateDatasetRequestInput, CreateDatasetRequestOutput as _florin_v1_CreateDatasetRequestOutput } from '../../florin/v1/CreateDatasetRequest.js';
import type { CreateDatasetResponseInput as _florin_v1_CreateDatasetResponseInput, CreateDatasetResponseOutput as _florin_v1_CreateDatasetResponseOutput } from '../../florin/v1/CreateDatasetResponse.js';
import type { DescribeHeadRequestInput as _florin_v1_DescribeHeadRequestInput, DescribeHeadRequestOutput as _florin_v1_DescribeHeadRequestOutput } from '../../florin/v1/DescribeHeadRequest.js';
import type { DescribeHeadResponseInput as _florin_v1_DescribeHeadResponseInput, DescribeHeadResponseOutput as _florin_v1_DescribeHeadResponseOutput } from '../../florin/v1/DescribeHeadResponse.js';
import type { HeadStatsInput as _florin_v1_HeadStatsInput, HeadStatsOutput as _florin_v1_HeadStatsOutput } from '../../florin/v1/HeadStats.js';
import type { HeadStatsRequestInput as _florin_v1_HeadStatsRequestInput, HeadStatsRequestOutput as _florin_v1_HeadStatsRequestOutput } from '../../florin/v1/HeadStatsRequest.js';
import type { ListDatasetsRequestInput as _florin_v1_ListDatasetsRequestInput, ListDatasetsRequestOutput as _florin_v1_ListDatasetsRequestOutput } from '../../florin/v1/ListDatasetsRequest.js';
import type { ListDatasetsResponseInput as _florin_v1_ListDatasetsResponseInput, ListDatasetsResponseOutput as _florin_v1_ListDatasetsResponseOutput } from '../../florin/v1/ListDatasetsResponse.js';
import type { ListSymbolsRequestInput as _florin_v1_ListSymbolsRequestInput, ListSymbolsRequestOutput as _florin_v1_ListSymbolsRequestOutput } from '../../florin/v1/ListSymbolsRequest.js';
import type { ListSymbolsResponseInput as _florin_v1_ListSymbolsResponseInput, ListSymbolsResponseOutput as _florin_v1_ListSymbolsResponseOutput } from '../../florin/v1/ListSymbolsResponse.js';
import type { ReadChunkInput as _florin_v1_ReadChunkInput, ReadChunkOutput as _florin_v1_ReadChunkOutput } from '../../florin/v1/ReadChunk.js';
import type { ReadRequestInput as _florin_v1_ReadRequestInput, ReadRequestOutput as _florin_v1_ReadRequestOutput } from '../../florin/v1/ReadRequest.js';
import type { WriteRequestInput as _florin_v1_WriteRequestInput, WriteRequestOutput as _florin_v1_WriteRequestOutput } from '../../florin/v1/WriteRequest.js';
import type { WriteResponseInput as _florin_v1_WriteResponseInput, WriteResponseOutput as _florin_v1_WriteResponseOutput } from '../../florin/v1/WriteResponse.js';

export interface HeadServiceClient extends grpc.Client {
  CreateDataset(argument: _florin_v1_CreateDatasetRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_CreateDatasetResponseOutput>): grpc.ClientUnaryCall;
  CreateDataset(argument: _florin_v1_CreateDatasetRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_CreateDatasetResponseOutput>): grpc.ClientUnaryCall;
  CreateDataset(argument: _florin_v1_CreateDatasetRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_CreateDatasetResponseOutput>): grpc.ClientUnaryCall;
  CreateDataset(argument: _florin_v1_CreateDatasetRequestInput, callback: grpc.requestCallback<_florin_v1_CreateDatasetResponseOutput>): grpc.ClientUnaryCall;
  createDataset(argument: _florin_v1_CreateDatasetRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_CreateDatasetResponseOutput>): grpc.ClientUnaryCall;
  createDataset(argument: _florin_v1_CreateDatasetRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_CreateDatasetResponseOutput>): grpc.ClientUnaryCall;
  createDataset(argument: _florin_v1_CreateDatasetRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_CreateDatasetResponseOutput>): grpc.ClientUnaryCall;
  createDataset(argument: _florin_v1_CreateDatasetRequestInput, callback: grpc.requestCallback<_florin_v1_CreateDatasetResponseOutput>): grpc.ClientUnaryCall;
  
  DescribeHead(argument: _florin_v1_DescribeHeadRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_DescribeHeadResponseOutput>): grpc.ClientUnaryCall;
  DescribeHead(argument: _florin_v1_DescribeHeadRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_DescribeHeadResponseOutput>): grpc.ClientUnaryCall;
  DescribeHead(argument: _florin_v1_DescribeHeadRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_DescribeHeadResponseOutput>): grpc.ClientUnaryCall;
  DescribeHead(argument: _florin_v1_DescribeHeadRequestInput, callback: grpc.requestCallback<_florin_v1_DescribeHeadResponseOutput>): grpc.ClientUnaryCall;
  describeHead(argument: _florin_v1_DescribeHeadRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_DescribeHeadResponseOutput>): grpc.ClientUnaryCall;
  describeHead(argument: _florin_v1_DescribeHeadRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_DescribeHeadResponseOutput>): grpc.ClientUnaryCall;
  describeHead(argument: _florin_v1_DescribeHeadRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_DescribeHeadResponseOutput>): grpc.ClientUnaryCall;
  describeHead(argument: _florin_v1_DescribeHeadRequestInput, callback: grpc.requestCallback<_florin_v1_DescribeHeadResponseOutput>): grpc.ClientUnaryCall;
  
  GetStats(argument: _florin_v1_HeadStatsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_HeadStatsOutput>): grpc.ClientUnaryCall;
  GetStats(argument: _florin_v1_HeadStatsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_HeadStatsOutput>): grpc.ClientUnaryCall;
  GetStats(argument: _florin_v1_HeadStatsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_HeadStatsOutput>): grpc.ClientUnaryCall;
  GetStats(argument: _florin_v1_HeadStatsRequestInput, callback: grpc.requestCallback<_florin_v1_HeadStatsOutput>): grpc.ClientUnaryCall;
  getStats(argument: _florin_v1_HeadStatsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_HeadStatsOutput>): grpc.ClientUnaryCall;
  getStats(argument: _florin_v1_HeadStatsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_HeadStatsOutput>): grpc.ClientUnaryCall;
  getStats(argument: _florin_v1_HeadStatsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_HeadStatsOutput>): grpc.ClientUnaryCall;
  getStats(argument: _florin_v1_HeadStatsRequestInput, callback: grpc.requestCallback<_florin_v1_HeadStatsOutput>): grpc.ClientUnaryCall;
  
  ListDatasets(argument: _florin_v1_ListDatasetsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListDatasetsResponseOutput>): grpc.ClientUnaryCall;
  ListDatasets(argument: _florin_v1_ListDatasetsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_ListDatasetsResponseOutput>): grpc.ClientUnaryCall;
  ListDatasets(argument: _florin_v1_ListDatasetsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListDatasetsResponseOutput>): grpc.ClientUnaryCall;
  ListDatasets(argument: _florin_v1_ListDatasetsRequestInput, callback: grpc.requestCallback<_florin_v1_ListDatasetsResponseOutput>): grpc.ClientUnaryCall;
  listDatasets(argument: _florin_v1_ListDatasetsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListDatasetsResponseOutput>): grpc.ClientUnaryCall;
  listDatasets(argument: _florin_v1_ListDatasetsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_ListDatasetsResponseOutput>): grpc.ClientUnaryCall;
  listDatasets(argument: _florin_v1_ListDatasetsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListDatasetsResponseOutput>): grpc.ClientUnaryCall;
  listDatasets(argument: _florin_v1_ListDatasetsRequestInput, callback: grpc.requestCallback<_florin_v1_ListDatasetsResponseOutput>): grpc.ClientUnaryCall;
  
  ListSymbols(argument: _florin_v1_ListSymbolsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListSymbolsResponseOutput>): grpc.ClientUnaryCall;
  ListSymbols(argument: _florin_v1_ListSymbolsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_ListSymbolsResponseOutput>): grpc.ClientUnaryCall;
  ListSymbols(argument: _florin_v1_ListSymbolsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListSymbolsResponseOutput>): grpc.ClientUnaryCall;
  ListSymbols(argument: _florin_v1_ListSymbolsRequestInput, callback: grpc.requestCallback<_florin_v1_ListSymbolsResponseOutput>): grpc.ClientUnaryCall;
  listSymbols(argument: _florin_v1_ListSymbolsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListSymbolsResponseOutput>): grpc.ClientUnaryCall;
  listSymbols(argument: _florin_v1_ListSymbolsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_ListSymbolsResponseOutput>): grpc.ClientUnaryCall;
  listSymbols(argument: _florin_v1_ListSymbolsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListSymbolsResponseOutput>): grpc.ClientUnaryCall;
  listSymbols(argument: _florin_v1_ListSymbolsRequestInput, callback: grpc.requestCallback<_florin_v1_ListSymbolsResponseOutput>): grpc.ClientUnaryCall;
  
  Read(argument: _florin_v1_ReadRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_florin_v1_ReadChunkOutput>;
  Read(argument: _florin_v1_ReadRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_florin_v1_ReadChunkOutput>;
  read(argument: _florin_v1_ReadRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_florin_v1_ReadChunkOutput>;
  read(argument: _florin_v1_ReadRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_florin_v1_ReadChunkOutput>;
  
  Write(argument: _florin_v1_WriteRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_WriteResponseOutput>): grpc.ClientUnaryCall;
  Write(argument: _florin_v1_WriteRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_WriteResponseOutput>): grpc.ClientUnaryCall;
  Write(argument: _florin_v1_WriteRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_WriteResponseOutput>): grpc.ClientUnaryCall;
  Write(argument: _florin_v1_WriteRequestInput, callback: grpc.requestCallback<_florin_v1_WriteResponseOutput>): grpc.ClientUnaryCall;
  write(argument: _florin_v1_WriteRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_WriteResponseOutput>): grpc.ClientUnaryCall;
  write(argument: _florin_v1_WriteRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_WriteResponseOutput>): grpc.ClientUnaryCall;
  write(argument: _florin_v1_WriteRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_WriteResponseOutput>): grpc.ClientUnaryCall;
  write(argument: _florin_v1_WriteRequestInput, callback: grpc.requestCallback<_florin_v1_WriteResponseOutput>): grpc.ClientUnaryCall;
  
}

export interface HeadServiceHandlers extends grpc.UntypedServiceImplementation {
  CreateDataset: grpc.handleUnaryCall<_florin_v1_CreateDatasetRequestOutput, _florin_v1_CreateDatasetResponseInput>;
  
  DescribeHead: grpc.handleUnaryCall<_florin_v1_DescribeHeadRequestOutput, _florin_v1_DescribeHeadResponseInput>;
  
  GetStats: grpc.handleUnaryCall<_florin_v1_HeadStatsRequestOutput, _florin_v1_HeadStatsInput>;
  
  ListDatasets: grpc.handleUnaryCall<_florin_v1_ListDatasetsRequestOutput, _florin_v1_ListDatasetsResponseInput>;
  
  ListSymbols: grpc.handleUnaryCall<_florin_v1_ListSymbolsRequestOutput, _florin_v1_ListSymbolsResponseInput>;
  
  Read: grpc.handleServerStreamingCall<_florin_v1_ReadRequestOutput, _florin_v1_ReadChunkInput>;
  
  Write: grpc.handleUnaryCall<_florin_v1_WriteRequestOutput, _florin_v1_WriteResponseInput>;
  
}

export interface HeadServiceDefinition extends grpc.ServiceDefinition {
  CreateDataset: MethodDefinition<_florin_v1_CreateDatasetRequestInput, _florin_v1_CreateDatasetResponseInput, _florin_v1_CreateDatasetRequestOutput, _florin_v1_CreateDatasetResponseOutput>
  DescribeHead: MethodDefinition<_florin_v1_DescribeHeadRequestInput, _florin_v1_DescribeHeadResponseInput, _florin_v1_DescribeHeadRequestOutput, _florin_v1_DescribeHeadResponseOutput>
  GetStats: MethodDefinition<_florin_v1_HeadStatsRequestInput, _florin_v1_HeadStatsInput, _florin_v1_HeadStatsRequestOutput, _florin_v1_HeadStatsOutput>
  ListDatasets: MethodDefinition<_florin_v1_ListDatasetsRequestInput, _florin_v1_ListDatasetsResponseInput, _florin_v1_ListDatasetsRequestOutput, _florin_v1_ListDatasetsResponseOutput>
  ListSymbols: MethodDefinition<_florin_v1_ListSymbolsRequestInput, _florin_v1_ListSymbolsResponseInput, _florin_v1_ListSymbolsRequestOutput, _florin_v1_ListSymbolsResponseOutput>
  Read: MethodDefinition<_florin_v1_ReadRequestInput, _florin_v1_ReadChunkInput, _florin_v1_ReadRequestOutput, _florin_v1_ReadChunkOutput>
  Write: MethodDefinition<_florin_v1_WriteRequestInput, _florin_v1_WriteResponseInput, _florin_v1_WriteRequestOutput, _florin_v1_WriteResponseOutput>
}
