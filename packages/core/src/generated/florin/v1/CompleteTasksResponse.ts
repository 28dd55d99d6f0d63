// Original file: proto/florin/v1/jobs.proto

import type { OutcomeAckInput as _florin_v1_OutcomeAckInput, OutcomeAckOutput as _florin_v1_OutcomeAckOutput } from '../../florin/v1/OutcomeAck.js';

export interface CompleteTasksResponseInput {
  'acks'?: (_florin_v1_OutcomeAckInput)[];
}

export interface CompleteTasksResponseOutput {
  'acks': (_florin_v1_OutcomeAckOutput)[];
}
