// Original file: proto/florin/v1/jobs.proto


export interface TaskPartInput {
  'index'?: (number);
  'resultJson'?: (string);
}

export interface TaskPartOutput {
  'index': (number);
  'resultJson': (string);
}
