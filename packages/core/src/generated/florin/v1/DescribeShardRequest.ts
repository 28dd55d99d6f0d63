// Original file: proto/florin/v1/shard.proto


export interface DescribeShardRequestInput {
}

export interface DescribeShardRequestOutput {
}
