// Original file: proto/florin/v1/jobs.proto

import type { LeaseLossReasonInput as _florin_v1_LeaseLossReasonInput, LeaseLossReasonOutput as _florin_v1_LeaseLossReasonOutput } from '../../florin/v1/LeaseLossReason.js';

export interface LostLeaseInput {
  'taskId'?: (string);
  'attempt'?: (number);
  'reason'?: (_florin_v1_LeaseLossReasonInput);
}

export interface LostLeaseOutput {
  'taskId': (string);
  'attempt': (number);
  'reason': (_florin_v1_LeaseLossReasonOutput);
}
