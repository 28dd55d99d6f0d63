import {
  DataServiceClient,
  type CallOptions,
  type DataServiceClientOptions,
  type DataServiceStub,
  type DescribeShardResponseMessage,
  type UnaryMethod,
} from '@florin/core';
import { SERVICES } from '@florin/core';

export const SHARD_SERVICE = SERVICES.shard;

export interface ShardDescription {
  shardId: number;
  shardCount: number;
  /** The shard's store kind: "duckdb" or "postgres". */
  store: string;
}

export type ShardClientOptions = DataServiceClientOptions;

interface ShardStub extends DataServiceStub {
  DescribeShard: UnaryMethod<object, DescribeShardResponseMessage>;
}

/** A client of one shard's florin.v1.ShardService. Errors reject as FlorinError (gRPC status and message kept). */
export class ShardClient extends DataServiceClient<ShardStub> {
  constructor(address: string, options: ShardClientOptions = {}) {
    super(SHARD_SERVICE, 'ShardClient', address, options);
  }

  async describe(options?: CallOptions): Promise<ShardDescription> {
    const r = await this.unary(this.stub.DescribeShard, {}, options);
    return { shardId: r.shardId, shardCount: r.shardCount, store: r.store };
  }
}
