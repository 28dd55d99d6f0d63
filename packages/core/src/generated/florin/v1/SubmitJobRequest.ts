// Original file: proto/florin/v1/jobs.proto

import type { JobSpecInput as _florin_v1_JobSpecInput, JobSpecOutput as _florin_v1_JobSpecOutput } from '../../florin/v1/JobSpec.js';

export interface SubmitJobRequestInput {
  'spec'?: (_florin_v1_JobSpecInput | null);
}

export interface SubmitJobRequestOutput {
  'spec': (_florin_v1_JobSpecOutput | null);
}
