// Original file: proto/florin/v1/jobs.proto

import type { UnitOutputInput as _florin_v1_UnitOutputInput, UnitOutputOutput as _florin_v1_UnitOutputOutput } from '../../florin/v1/UnitOutput.js';

export interface UnitDefinitionInput {
  'name'?: (string);
  'version'?: (string);
  'paramsSchemaJson'?: (string);
  'hasFinal'?: (boolean);
  'description'?: (string);
  'output'?: (_florin_v1_UnitOutputInput | null);
}

export interface UnitDefinitionOutput {
  'name': (string);
  'version': (string);
  'paramsSchemaJson': (string);
  'hasFinal': (boolean);
  'description': (string);
  'output': (_florin_v1_UnitOutputOutput | null);
}
