// Original file: proto/florin/v1/jobs.proto

import type { ExtendedLeaseInput as _florin_v1_ExtendedLeaseInput, ExtendedLeaseOutput as _florin_v1_ExtendedLeaseOutput } from '../../florin/v1/ExtendedLease.js';
import type { LostLeaseInput as _florin_v1_LostLeaseInput, LostLeaseOutput as _florin_v1_LostLeaseOutput } from '../../florin/v1/LostLease.js';

export interface HeartbeatResponseInput {
  'extended'?: (_florin_v1_ExtendedLeaseInput)[];
  'lost'?: (_florin_v1_LostLeaseInput)[];
}

export interface HeartbeatResponseOutput {
  'extended': (_florin_v1_ExtendedLeaseOutput)[];
  'lost': (_florin_v1_LostLeaseOutput)[];
}
