// Original file: proto/florin/v1/head.proto


export interface DescribeHeadResponseInput {
  'nodeId'?: (string);
  'shardCount'?: (number);
  'coalesce'?: (boolean);
}

export interface DescribeHeadResponseOutput {
  'nodeId': (string);
  'shardCount': (number);
  'coalesce': (boolean);
}
