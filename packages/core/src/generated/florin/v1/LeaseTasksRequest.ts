// Original file: proto/florin/v1/jobs.proto

import type { UnitRefInput as _florin_v1_UnitRefInput, UnitRefOutput as _florin_v1_UnitRefOutput } from '../../florin/v1/UnitRef.js';
import type { TaskOutcomeInput as _florin_v1_TaskOutcomeInput, TaskOutcomeOutput as _florin_v1_TaskOutcomeOutput } from '../../florin/v1/TaskOutcome.js';

export interface LeaseTasksRequestInput {
  'workerId'?: (string);
  'maxTasks'?: (number);
  'leaseMs'?: (number);
  'units'?: (_florin_v1_UnitRefInput)[];
  'waitMs'?: (number);
  'outcomes'?: (_florin_v1_TaskOutcomeInput)[];
}

export interface LeaseTasksRequestOutput {
  'workerId': (string);
  'maxTasks': (number);
  'leaseMs': (number);
  'units': (_florin_v1_UnitRefOutput)[];
  'waitMs': (number);
  'outcomes': (_florin_v1_TaskOutcomeOutput)[];
}
