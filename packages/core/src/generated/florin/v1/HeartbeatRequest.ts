// Original file: proto/florin/v1/jobs.proto

import type { TaskLeaseInput as _florin_v1_TaskLeaseInput, TaskLeaseOutput as _florin_v1_TaskLeaseOutput } from '../../florin/v1/TaskLease.js';

export interface HeartbeatRequestInput {
  'workerId'?: (string);
  'leases'?: (_florin_v1_TaskLeaseInput)[];
  'leaseMs'?: (number);
}

export interface HeartbeatRequestOutput {
  'workerId': (string);
  'leases': (_florin_v1_TaskLeaseOutput)[];
  'leaseMs': (number);
}
