// Original file: proto/florin/v1/shard.proto


export interface DescribeShardResponseInput {
  'shardId'?: (number);
  'shardCount'?: (number);
  'store'?: (string);
}

export interface DescribeShardResponseOutput {
  'shardId': (number);
  'shardCount': (number);
  'store': (string);
}
