// Original file: proto/florin/v1/jobs.proto

import type { UnitDefinitionInput as _florin_v1_UnitDefinitionInput, UnitDefinitionOutput as _florin_v1_UnitDefinitionOutput } from '../../florin/v1/UnitDefinition.js';

export interface RegisterUnitsResponseInput {
  'units'?: (_florin_v1_UnitDefinitionInput)[];
  'heartbeatIntervalMs'?: (number);
}

export interface RegisterUnitsResponseOutput {
  'units': (_florin_v1_UnitDefinitionOutput)[];
  'heartbeatIntervalMs': (number);
}
