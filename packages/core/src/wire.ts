/**
 * Shapes of the series.proto / shard.proto messages as they cross the grpc-js
 * boundary with PROTO_LOADER_OPTIONS: camelCase names, int64 as number, bytes
 * as Buffer (received) or any Uint8Array (sent), defaults filled in.
 */
import type { WireBlock } from './codec.js';
import type { SeriesFrame } from './frame.js';

export interface DatasetInfoMessage {
  name: string;
  fields: string[];
  frequency: string;
}

/**
 * A SeriesBlock as received: every field present (defaults filled in).
 * `totalRows` (reads only; 0 or absent when not given) is the rows of the
 * symbol's whole answer, set on its first block.
 */
export interface SeriesBlockMessage extends WireBlock {
  totalRows?: number;
}

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

/**
 * A SeriesBlock as a Read handler writes it: the symbol's rows as
 * consecutive pieces (zero-copy views, columns in the chunk's field order),
 * which the Read serializer copies straight into the message, back to back.
 */
export interface OutgoingSeriesBlock {
  readonly symbol: string;
  readonly pieces: readonly SeriesFrame[];
  readonly last: boolean;
  /** Rows of the symbol's whole answer, given on its first block; 0 on the others. */
  readonly totalRows: number;
}

/** A ReadChunk as a Read handler writes it (see encodeReadChunk). */
export interface OutgoingReadChunk {
  readonly fields: readonly string[];
  readonly blocks: readonly OutgoingSeriesBlock[];
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
