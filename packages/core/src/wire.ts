/**
 * Shapes of the series.proto / shard.proto messages as they cross the grpc-js
 * boundary with PROTO_LOADER_OPTIONS: camelCase names, int64 as number, bytes
 * as Buffer (received) or any Uint8Array (sent), defaults filled in.
 */
import type { WireBlock } from './codec.js';

export interface DatasetInfoMessage {
  name: string;
  fields: string[];
  frequency: string;
}

/** A SeriesBlock as received: every field present (defaults filled in). */
export type SeriesBlockMessage = WireBlock;

export interface ReadRequestMessage {
  dataset: string;
  symbols: string[];
  fields: string[];
  startMs: number;
  endMs: number;
}

export interface ReadChunkMessage {
  fields: readonly string[];
  blocks: SeriesBlockMessage[];
}

export interface WriteRequestMessage {
  dataset: string;
  fields: string[];
  blocks: SeriesBlockMessage[];
  jobId: string;
}

export interface WriteResponseMessage {
  rowsWritten: number;
}

export interface ListDatasetsResponseMessage {
  datasets: DatasetInfoMessage[];
}

export interface CreateDatasetRequestMessage {
  /** Absent when the caller sent none (message fields have no default). */
  dataset?: DatasetInfoMessage | null;
}

export interface CreateDatasetResponseMessage {
  dataset: DatasetInfoMessage;
  created: boolean;
}

export interface ListSymbolsRequestMessage {
  dataset: string;
}

export interface ListSymbolsResponseMessage {
  symbols: string[];
}

export interface DescribeShardResponseMessage {
  shardId: number;
  shardCount: number;
  store: string;
}
