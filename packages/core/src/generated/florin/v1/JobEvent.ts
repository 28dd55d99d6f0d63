// Original file: proto/florin/v1/jobs.proto

import type { JobInput as _florin_v1_JobInput, JobOutput as _florin_v1_JobOutput } from '../../florin/v1/Job.js';

export interface JobEventInput {
  'job'?: (_florin_v1_JobInput | null);
  'initial'?: (boolean);
  'terminal'?: (boolean);
}

export interface JobEventOutput {
  'job': (_florin_v1_JobOutput | null);
  'initial': (boolean);
  'terminal': (boolean);
}
