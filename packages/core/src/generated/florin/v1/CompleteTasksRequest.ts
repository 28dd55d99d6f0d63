// Original file: proto/florin/v1/jobs.proto

import type { TaskOutcomeInput as _florin_v1_TaskOutcomeInput, TaskOutcomeOutput as _florin_v1_TaskOutcomeOutput } from '../../florin/v1/TaskOutcome.js';

export interface CompleteTasksRequestInput {
  'workerId'?: (string);
  'outcomes'?: (_florin_v1_TaskOutcomeInput)[];
}

export interface CompleteTasksRequestOutput {
  'workerId': (string);
  'outcomes': (_florin_v1_TaskOutcomeOutput)[];
}
