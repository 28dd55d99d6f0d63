// Original file: proto/florin/v1/head.proto


export interface HeadStatsRequestInput {
  'reset'?: (boolean);
}

export interface HeadStatsRequestOutput {
  'reset': (boolean);
}
