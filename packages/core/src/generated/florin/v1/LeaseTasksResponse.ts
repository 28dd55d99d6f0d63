// Original file: proto/florin/v1/jobs.proto

import type { TaskInput as _florin_v1_TaskInput, TaskOutput as _florin_v1_TaskOutput } from '../../florin/v1/Task.js';

export interface LeaseTasksResponseInput {
  'tasks'?: (_florin_v1_TaskInput)[];
}

export interface LeaseTasksResponseOutput {
  'tasks': (_florin_v1_TaskOutput)[];
}
