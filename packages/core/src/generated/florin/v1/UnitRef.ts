// Original file: proto/florin/v1/jobs.proto


export interface UnitRefInput {
  'name'?: (string);
  'version'?: (string);
}

export interface UnitRefOutput {
  'name': (string);
  'version': (string);
}
