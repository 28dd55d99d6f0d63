// Original file: proto/florin/v1/series.proto


export interface ListSymbolsRequestInput {
  'dataset'?: (string);
}

export interface ListSymbolsRequestOutput {
  'dataset': (string);
}
