// Original file: proto/florin/v1/jobs.proto


export interface UnitOutputInput {
  'dataset'?: (string);
  'fields'?: (string)[];
  'frequency'?: (string);
}

export interface UnitOutputOutput {
  'dataset': (string);
  'fields': (string)[];
  'frequency': (string);
}
