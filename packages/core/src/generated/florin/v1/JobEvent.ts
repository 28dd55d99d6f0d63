// Original file: proto/florin/v1/jobs.proto

import type { JobInput as _florin_v1_JobInput, JobOutput as _florin_v1_JobOutput } from '../../florin/v1/Job.js';
import type { TaskProgressInput as _florin_v1_TaskProgressInput, TaskProgressOutput as _florin_v1_TaskProgressOutput } from '../../florin/v1/TaskProgress.js';

export interface JobEventInput {
  'job'?: (_florin_v1_JobInput | null);
  'initial'?: (boolean);
  'terminal'?: (boolean);
  'tasks'?: (_florin_v1_TaskProgressInput)[];
  'progress'?: (number | string);
}

export interface JobEventOutput {
  'job': (_florin_v1_JobOutput | null);
  'initial': (boolean);
  'terminal': (boolean);
  'tasks': (_florin_v1_TaskProgressOutput)[];
  'progress': (number);
}
