// Original file: proto/florin/v1/series.proto


export interface DatasetInfoInput {
  'name'?: (string);
  'fields'?: (string)[];
  'frequency'?: (string);
}

export interface DatasetInfoOutput {
  'name': (string);
  'fields': (string)[];
  'frequency': (string);
}
