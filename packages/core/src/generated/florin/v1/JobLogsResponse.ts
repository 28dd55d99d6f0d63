// Original file: proto/florin/v1/jobs.proto

import type { TaskLogInput as _florin_v1_TaskLogInput, TaskLogOutput as _florin_v1_TaskLogOutput } from '../../florin/v1/TaskLog.js';

export interface JobLogsResponseInput {
  'tasks'?: (_florin_v1_TaskLogInput)[];
}

export interface JobLogsResponseOutput {
  'tasks': (_florin_v1_TaskLogOutput)[];
}
