// Original file: proto/florin/v1/jobs.proto

import type { JobSpecInput as _florin_v1_JobSpecInput, JobSpecOutput as _florin_v1_JobSpecOutput } from '../../florin/v1/JobSpec.js';
import type { JobStateInput as _florin_v1_JobStateInput, JobStateOutput as _florin_v1_JobStateOutput } from '../../florin/v1/JobState.js';
import type { JobProgressInput as _florin_v1_JobProgressInput, JobProgressOutput as _florin_v1_JobProgressOutput } from '../../florin/v1/JobProgress.js';
import type { TaskLogLineInput as _florin_v1_TaskLogLineInput, TaskLogLineOutput as _florin_v1_TaskLogLineOutput } from '../../florin/v1/TaskLogLine.js';
import type { Long } from '@grpc/proto-loader';

export interface JobInput {
  'jobId'?: (string);
  'spec'?: (_florin_v1_JobSpecInput | null);
  'state'?: (_florin_v1_JobStateInput);
  'progress'?: (_florin_v1_JobProgressInput | null);
  'hasFinal'?: (boolean);
  'resultJson'?: (string);
  'error'?: (string);
  'errorStack'?: (string);
  'failedTaskIndex'?: (number);
  'symbolCount'?: (number);
  'createdMs'?: (number | string | Long);
  'updatedMs'?: (number | string | Long);
  'finishedMs'?: (number | string | Long);
  'owner'?: (string);
  'failureLog'?: (_florin_v1_TaskLogLineInput)[];
}

export interface JobOutput {
  'jobId': (string);
  'spec': (_florin_v1_JobSpecOutput | null);
  'state': (_florin_v1_JobStateOutput);
  'progress': (_florin_v1_JobProgressOutput | null);
  'hasFinal': (boolean);
  'resultJson': (string);
  'error': (string);
  'errorStack': (string);
  'failedTaskIndex': (number);
  'symbolCount': (number);
  'createdMs': (number);
  'updatedMs': (number);
  'finishedMs': (number);
  'owner': (string);
  'failureLog': (_florin_v1_TaskLogLineOutput)[];
}
