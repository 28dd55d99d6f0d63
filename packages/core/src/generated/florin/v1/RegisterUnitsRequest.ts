// Original file: proto/florin/v1/jobs.proto

import type { UnitDefinitionInput as _florin_v1_UnitDefinitionInput, UnitDefinitionOutput as _florin_v1_UnitDefinitionOutput } from '../../florin/v1/UnitDefinition.js';

export interface RegisterUnitsRequestInput {
  'workerId'?: (string);
  'units'?: (_florin_v1_UnitDefinitionInput)[];
}

export interface RegisterUnitsRequestOutput {
  'workerId': (string);
  'units': (_florin_v1_UnitDefinitionOutput)[];
}
