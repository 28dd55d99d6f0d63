// Original file: proto/florin/v1/jobs.proto


export interface TaskProgressInput {
  'index'?: (number);
  'fraction'?: (number | string);
  'message'?: (string);
}

export interface TaskProgressOutput {
  'index': (number);
  'fraction': (number);
  'message': (string);
}
