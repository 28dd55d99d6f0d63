// Original file: proto/florin/v1/jobs.proto

import type { JobInput as _florin_v1_JobInput, JobOutput as _florin_v1_JobOutput } from '../../florin/v1/Job.js';

export interface ListJobsResponseInput {
  'jobs'?: (_florin_v1_JobInput)[];
  'nextPageToken'?: (string);
}

export interface ListJobsResponseOutput {
  'jobs': (_florin_v1_JobOutput)[];
  'nextPageToken': (string);
}
