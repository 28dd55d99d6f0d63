// Original file: proto/florin/v1/jobs.proto

import type { JobInput as _florin_v1_JobInput, JobOutput as _florin_v1_JobOutput } from '../../florin/v1/Job.js';

export interface SubmitJobResponseInput {
  'job'?: (_florin_v1_JobInput | null);
  'created'?: (boolean);
}

export interface SubmitJobResponseOutput {
  'job': (_florin_v1_JobOutput | null);
  'created': (boolean);
}
