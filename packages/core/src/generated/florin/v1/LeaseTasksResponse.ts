// Original file: proto/florin/v1/jobs.proto

import type { TaskInput as _florin_v1_TaskInput, TaskOutput as _florin_v1_TaskOutput } from '../../florin/v1/Task.js';
import type { OutcomeAckInput as _florin_v1_OutcomeAckInput, OutcomeAckOutput as _florin_v1_OutcomeAckOutput } from '../../florin/v1/OutcomeAck.js';

export interface LeaseTasksResponseInput {
  'tasks'?: (_florin_v1_TaskInput)[];
  'acks'?: (_florin_v1_OutcomeAckInput)[];
}

export interface LeaseTasksResponseOutput {
  'tasks': (_florin_v1_TaskOutput)[];
  'acks': (_florin_v1_OutcomeAckOutput)[];
}
