import { Metadata, type CallOptions as GrpcCallOptions, type Client, type ClientReadableStream } from '@grpc/grpc-js';
import { answerField } from '../answer-field.js';
import { withTraceContext } from '../tracing/client-context.js';
import { timeClientCall } from '../tracing/client-duration.js';
import { FlorinError, invalidArgument } from '../errors.js';
import { encodeBlock, rowBytes } from '../codec.js';
import { selectFields, type SeriesFrame } from '../frame.js';
import type { Limits } from '../limits.js';
import type { DatasetInfo } from '../dataset.js';
import type { TimeRange } from '../range.js';
import type {
  CreateDatasetRequestMessage,
  CreateDatasetResponseMessage,
  DatasetInfoMessage,
  ListDatasetsResponseMessage,
  ListSymbolsRequestMessage,
  ListSymbolsResponseMessage,
  ReadChunkMessage,
  ReadRequestMessage,
  WriteRequestMessage,
  WriteResponseMessage,
} from '../wire.js';
import { abortError, grpcCallOptions, type CallOptions, type UnaryMethod } from './call-options.js';
import { ServiceChannel } from './service-channel.js';
import type { ClientSecurity } from '../security/security-options.js';
import { collectReadStream } from './read-stream.js';

/** A batched range read: some symbols of one dataset over one half-open range. */
export interface SeriesQuery {
  dataset: string;
  symbols: readonly string[];
  /** Fields to return, in this order. Default (empty or absent): every field of the dataset. */
  fields?: readonly string[];
  range: TimeRange;
}

export interface WriteOptions extends CallOptions {
  /** The job that produced these rows, recorded with the write. */
  jobId?: string;
  /** Write grants covering the rows (a QCU's leases'; required from the qcu role when security is on). */
  grants?: readonly string[];
  /** Asks the receiver whether, once the write is applied, this range holds exactly the written rows (WriteOutcome.covered). */
  cover?: TimeRange;
}

/** What a Write answered. */
export interface WriteOutcome {
  readonly rowsWritten: number;
  /** WriteOptions.cover holds exactly the written rows of the written symbols (false when not asked, or it cannot be told). */
  readonly covered: boolean;
}

export interface CreateDatasetOptions extends CallOptions {
  /** Write grants naming the dataset (a QCU creates only its tasks' output dataset when security is on). */
  grants?: readonly string[];
}

export interface DataServiceClientOptions {
  /** Channel limits (maxMessageBytes) and the default deadline (defaultDeadlineMs). Defaults: DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
  /** TLS and the bearer token; absent: plaintext. */
  security?: ClientSecurity;
}

/** The methods every Florin data service (ShardService, HeadService) has, as a grpc-js stub. */
export interface DataServiceStub extends Client {
  Read(request: ReadRequestMessage, metadata: Metadata, options: GrpcCallOptions): ClientReadableStream<ReadChunkMessage>;
  Write: UnaryMethod<WriteRequestMessage, WriteResponseMessage>;
  ListDatasets: UnaryMethod<object, ListDatasetsResponseMessage>;
  CreateDataset: UnaryMethod<CreateDatasetRequestMessage, CreateDatasetResponseMessage>;
  ListSymbols: UnaryMethod<ListSymbolsRequestMessage, ListSymbolsResponseMessage>;
}

/**
 * The read, write and catalog calls shared by the clients of every Florin
 * data service, over one channel to one address. Subclasses name the service
 * and add its own methods; `readMetadata` lets them send per-call metadata
 * with a read. Errors reject as FlorinError (gRPC status and message kept).
 */
export abstract class DataServiceClient<Stub extends DataServiceStub, ReadOptions extends CallOptions = CallOptions> {
  readonly address: string;
  readonly limits: Limits;
  protected readonly stub: Stub;
  private readonly channel: ServiceChannel<Stub>;
  private readonly service: string;

  /** `label` names the client in errors, e.g. "ShardClient". */
  protected constructor(service: string, label: string, address: string, options: DataServiceClientOptions = {}) {
    this.channel = new ServiceChannel<Stub>(service, label, address, options.limits, options.security);
    this.service = service;
    this.address = address;
    this.limits = this.channel.limits;
    this.stub = this.channel.stub;
  }

  /**
   * Reads `symbols` over `range`: one frame per distinct requested symbol, in
   * request order (an empty frame when it has no rows in range), columns in
   * the order of `fields`. A symbol answered in one message is a view of that
   * message, which the frames of the other symbols it carries share (no copy;
   * see SeriesAssembler's `shareMessages`): copy a frame that you keep long
   * without the rest of the answer.
   */
  async read(query: SeriesQuery, options?: ReadOptions): Promise<SeriesFrame[]> {
    this.assertOpen();
    const signal = options?.signal;
    if (signal?.aborted) throw abortError(signal);
    const symbols = [...new Set(query.symbols)];
    const fields = [...(query.fields ?? [])];
    const request: ReadRequestMessage = {
      dataset: query.dataset,
      symbols,
      fields,
      startMs: query.range.start,
      endMs: query.range.end,
    };
    const call = this.stub.Read(request, withTraceContext(this.readMetadata(options))!, grpcCallOptions(options, this.limits.defaultDeadlineMs));
    return timeClientCall(this.service, 'Read', collectReadStream(call, symbols, fields, signal, true));
  }

  /**
   * Upserts `frames` (each carrying every field of `fields`, in any order) in
   * one all-or-nothing call. Resolves the number of rows written.
   */
  async write(dataset: string, fields: readonly string[], frames: readonly SeriesFrame[], options?: WriteOptions): Promise<number> {
    return (await this.writeChecked(dataset, fields, frames, options)).rowsWritten;
  }

  /** A write that also answers whether `options.cover` then holds exactly the written rows. */
  async writeChecked(dataset: string, fields: readonly string[], frames: readonly SeriesFrame[], options?: WriteOptions): Promise<WriteOutcome> {
    this.assertOpen();
    let bytes = 0;
    const blocks = frames.map((frame) => {
      const missing = fields.filter((f) => !frame.fields.includes(f));
      if (missing.length > 0) throw invalidArgument(`frame of ${frame.symbol} has no field ${missing.join(', ')}`);
      bytes += frame.timestamps.length * rowBytes(fields.length) + 64;
      return encodeBlock(selectFields(frame, fields), true);
    });
    if (bytes > this.limits.maxMessageBytes) {
      throw new FlorinError(
        'RESOURCE_EXHAUSTED',
        `write of about ${bytes} bytes exceeds maxMessageBytes (${this.limits.maxMessageBytes}); split it into smaller writes`,
      );
    }
    const cover = options?.cover;
    const request: WriteRequestMessage = {
      dataset,
      fields: [...fields],
      blocks,
      jobId: options?.jobId ?? '',
      grants: [...(options?.grants ?? [])],
      coverStartMs: cover?.start ?? 0,
      coverEndMs: cover?.end ?? 0,
    };
    const response = await this.unary(this.stub.Write, request, options);
    return { rowsWritten: response.rowsWritten, covered: response.covered === true };
  }

  async listDatasets(options?: CallOptions): Promise<DatasetInfo[]> {
    const response = await this.unary(this.stub.ListDatasets, {}, options);
    return response.datasets.map(fromMessage);
  }

  /** The symbols of `dataset` this service answers for, sorted (NOT_FOUND for an unknown dataset). */
  async listSymbols(dataset: string, options?: CallOptions): Promise<string[]> {
    const response = await this.unary(this.stub.ListSymbols, { dataset }, options);
    return response.symbols;
  }

  /** Creates a dataset; `created` is false when an identical one already existed (ALREADY_EXISTS on a conflict). */
  async createDataset(info: DatasetInfo, options?: CreateDatasetOptions): Promise<{ dataset: DatasetInfo; created: boolean }> {
    const dataset = { name: info.name, fields: [...info.fields], frequency: info.frequency };
    const response = await this.unary(this.stub.CreateDataset, { dataset, grants: [...(options?.grants ?? [])] }, options);
    return { dataset: fromMessage(answerField(response.dataset, 'CreateDatasetResponse.dataset')), created: response.created };
  }

  /** Closes the channel. Idempotent; calls after close reject with FAILED_PRECONDITION. */
  close(): void {
    this.channel.close();
  }

  /** Metadata sent with a read. Default: none. */
  protected readMetadata(_options: ReadOptions | undefined): Metadata {
    return new Metadata();
  }

  /** Runs one unary method of the stub (after checking the client is open). */
  protected unary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, options: CallOptions | undefined): Promise<Res> {
    return this.channel.unary(method, request, options);
  }

  private assertOpen(): void {
    this.channel.assertOpen();
  }
}

function fromMessage(m: DatasetInfoMessage): DatasetInfo {
  return { name: m.name, fields: [...m.fields], frequency: m.frequency };
}
