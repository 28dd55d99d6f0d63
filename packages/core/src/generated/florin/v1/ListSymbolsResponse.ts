// Original file: proto/florin/v1/series.proto


export interface ListSymbolsResponseInput {
  'symbols'?: (string)[];
}

export interface ListSymbolsResponseOutput {
  'symbols': (string)[];
}
