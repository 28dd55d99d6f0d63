import { Metadata } from '@grpc/grpc-js';
import {
  COALESCE_METADATA_KEY,
  COALESCE_OFF,
  type DescribeHeadResponseMessage,
  type HeadStatsMessage,
  type HeadStatsRequestMessage,
} from '@florin/core';
import type { CallOptions } from '@florin/core';
import { SERVICES, DataServiceClient, type DataServiceClientOptions, type DataServiceStub, type UnaryMethod } from '@florin/core';

export const HEAD_SERVICE = SERVICES.head;

/** What a head node did since it started or its last reset (HeadStats of head.proto). */
export type HeadStats = HeadStatsMessage;

export interface HeadDescription {
  nodeId: string;
  /** How many shards the head reads from. */
  shardCount: number;
  /** Whether the head aggregates reads (cache and coalescing) unless a call opts out. */
  coalesce: boolean;
}

export interface HeadReadOptions extends CallOptions {
  /** false: this read bypasses the head's cache and aggregation (metadata "florin-coalesce: off"). Default true. */
  coalesce?: boolean;
}

export type HeadClientOptions = DataServiceClientOptions;

interface HeadStub extends DataServiceStub {
  GetStats: UnaryMethod<HeadStatsRequestMessage, HeadStatsMessage>;
  DescribeHead: UnaryMethod<object, DescribeHeadResponseMessage>;
}

/**
 * A client of one head node's florin.v1.HeadService. Any head node serves any
 * key; DataClient picks the owning one. Errors reject as FlorinError.
 */
export class HeadClient extends DataServiceClient<HeadStub, HeadReadOptions> {
  constructor(address: string, options: HeadClientOptions = {}) {
    super(HEAD_SERVICE, 'HeadClient', address, options);
  }

  /** The head's counters and gauges; with `reset`, its counters restart from zero afterwards. */
  async stats(options: CallOptions & { reset?: boolean } = {}): Promise<HeadStats> {
    const { reset, ...callOptions } = options;
    return { ...(await this.unary(this.stub.GetStats, { reset: reset === true }, callOptions)) };
  }

  async describe(options?: CallOptions): Promise<HeadDescription> {
    const r = await this.unary(this.stub.DescribeHead, {}, options);
    return { nodeId: r.nodeId, shardCount: r.shardCount, coalesce: r.coalesce };
  }

  protected override readMetadata(options: HeadReadOptions | undefined): Metadata {
    const metadata = new Metadata();
    if (options?.coalesce === false) metadata.set(COALESCE_METADATA_KEY, COALESCE_OFF);
    return metadata;
  }
}
