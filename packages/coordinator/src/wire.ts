/**
 * jobs.proto messages as grpc-js hands them over with PROTO_LOADER_OPTIONS
 * (camelCase, int64 as number, enums as their names), and the conversions
 * from the store's records.
 */
import type { JobMessage as CoreJobMessage } from '@florin/core';
import type { JobSpecInput } from './job-spec.js';
import type { JobRecord, JobState, LeaseLossReason, UnitRecord } from './model.js';
import type { UnitDefinitionInput } from './unit-definition.js';

export type JobStateName = 'JOB_STATE_UNSPECIFIED' | 'JOB_STATE_QUEUED' | 'JOB_STATE_RUNNING' | 'JOB_STATE_SUCCEEDED' | 'JOB_STATE_FAILED' | 'JOB_STATE_CANCELLED';
export type LeaseLossReasonName =
  | 'LEASE_LOSS_REASON_UNSPECIFIED'
  | 'LEASE_LOSS_REASON_LEASE_LOST'
  | 'LEASE_LOSS_REASON_JOB_CANCELLED'
  | 'LEASE_LOSS_REASON_JOB_FAILED'
  | 'LEASE_LOSS_REASON_UNKNOWN_TASK'
  | 'LEASE_LOSS_REASON_ALREADY_COMPLETED';

export const jobStateName = (state: JobState): JobStateName => `JOB_STATE_${state.toUpperCase()}` as JobStateName;

export function jobStateFromName(name: string): JobState | undefined {
  const state = name.replace(/^JOB_STATE_/, '').toLowerCase();
  return ['queued', 'running', 'succeeded', 'failed', 'cancelled'].includes(state) ? (state as JobState) : undefined;
}

export const lossReasonName = (reason: LeaseLossReason | undefined): LeaseLossReasonName =>
  reason ? (`LEASE_LOSS_REASON_${reason.toUpperCase()}` as LeaseLossReasonName) : 'LEASE_LOSS_REASON_UNSPECIFIED';

/** core's JobMessage, with the state narrowed to the names this coordinator sends. */
export type JobMessage = Omit<CoreJobMessage, 'state'> & { state: JobStateName };

export function jobMessage(job: JobRecord): JobMessage {
  return {
    jobId: job.jobId,
    spec: { ...job.spec },
    state: jobStateName(job.state),
    progress: { ...job.progress },
    hasFinal: job.hasFinal,
    resultJson: job.resultJson,
    error: job.error,
    errorStack: job.errorStack,
    failedTaskIndex: job.failedTaskIndex,
    symbolCount: job.symbolCount,
    createdMs: job.createdMs,
    updatedMs: job.updatedMs,
    finishedMs: job.finishedMs,
  };
}

export function unitMessage(unit: UnitRecord): UnitDefinitionInput {
  return {
    name: unit.name,
    version: unit.version,
    paramsSchemaJson: unit.paramsSchemaJson,
    hasFinal: unit.hasFinal,
    description: unit.description,
    output: { ...unit.output, fields: [...unit.output.fields] },
  };
}

export interface SubmitJobRequestMessage {
  spec?: JobSpecInput | null;
}
export interface JobIdRequestMessage {
  jobId: string;
}
export interface ListJobsRequestMessage {
  states: string[];
  unit: string;
  limit: number;
}
export interface RegisterUnitsRequestMessage {
  workerId: string;
  units: UnitDefinitionInput[];
}
export interface UnitRefMessage {
  name: string;
  version: string;
}
export interface LeaseTasksRequestMessage {
  workerId: string;
  maxTasks: number;
  leaseMs: number;
  units: UnitRefMessage[];
  waitMs: number;
}
export interface TaskLeaseMessage {
  taskId: string;
  attempt: number;
}
export interface HeartbeatRequestMessage {
  workerId: string;
  leases: TaskLeaseMessage[];
  leaseMs: number;
}
export interface TaskOutcomeMessage {
  taskId: string;
  attempt: number;
  ok: boolean;
  resultJson: string;
  error: string;
  stack: string;
  retryable: boolean;
}
export interface CompleteTasksRequestMessage {
  workerId: string;
  outcomes: TaskOutcomeMessage[];
}
