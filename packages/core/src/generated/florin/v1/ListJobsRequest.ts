// Original file: proto/florin/v1/jobs.proto

import type { JobStateInput as _florin_v1_JobStateInput, JobStateOutput as _florin_v1_JobStateOutput } from '../../florin/v1/JobState.js';
import type { Long } from '@grpc/proto-loader';

export interface ListJobsRequestInput {
  'states'?: (_florin_v1_JobStateInput)[];
  'unit'?: (string);
  'limit'?: (number);
  'pageToken'?: (string);
  'updatedSinceMs'?: (number | string | Long);
  'owner'?: (string);
}

export interface ListJobsRequestOutput {
  'states': (_florin_v1_JobStateOutput)[];
  'unit': (string);
  'limit': (number);
  'pageToken': (string);
  'updatedSinceMs': (number);
  'owner': (string);
}
