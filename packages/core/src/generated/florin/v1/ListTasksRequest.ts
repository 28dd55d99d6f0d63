// Original file: proto/florin/v1/jobs.proto

import type { TaskStateInput as _florin_v1_TaskStateInput, TaskStateOutput as _florin_v1_TaskStateOutput } from '../../florin/v1/TaskState.js';

export interface ListTasksRequestInput {
  'jobId'?: (string);
  'limit'?: (number);
  'pageToken'?: (string);
  'states'?: (_florin_v1_TaskStateInput)[];
}

export interface ListTasksRequestOutput {
  'jobId': (string);
  'limit': (number);
  'pageToken': (string);
  'states': (_florin_v1_TaskStateOutput)[];
}
