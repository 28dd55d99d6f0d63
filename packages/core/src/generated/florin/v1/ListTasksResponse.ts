// Original file: proto/florin/v1/jobs.proto

import type { TaskInfoInput as _florin_v1_TaskInfoInput, TaskInfoOutput as _florin_v1_TaskInfoOutput } from '../../florin/v1/TaskInfo.js';

export interface ListTasksResponseInput {
  'tasks'?: (_florin_v1_TaskInfoInput)[];
  'nextPageToken'?: (string);
}

export interface ListTasksResponseOutput {
  'tasks': (_florin_v1_TaskInfoOutput)[];
  'nextPageToken': (string);
}
