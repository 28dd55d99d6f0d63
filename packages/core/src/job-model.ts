/**
 * The job system's domain vocabulary, derived from the generated jobs.proto
 * types (src/generated): job states and lease-loss reasons as lower-case
 * names, and their conversions to and from the wire's enum names. The one
 * definition the coordinator, the SDK and the QCU share.
 */
import { JobState as JobStateEnum, type JobStateOutput } from './generated/florin/v1/JobState.js';
import { LeaseLossReason as LeaseLossReasonEnum, type LeaseLossReasonOutput } from './generated/florin/v1/LeaseLossReason.js';
import type { TaskLeaseOutput } from './generated/florin/v1/TaskLease.js';

type Unprefixed<Name extends string, Prefix extends string> = Name extends `${Prefix}${infer Rest}` ? Lowercase<Rest> : never;

const JOB_STATE_PREFIX = 'JOB_STATE_';
const LOSS_REASON_PREFIX = 'LEASE_LOSS_REASON_';

/** A JobState enum name other than UNSPECIFIED, as it crosses the wire. */
export type JobStateName = Exclude<JobStateOutput, 'JOB_STATE_UNSPECIFIED'>;
/** A job's state: the jobs.proto JobState without its prefix, lower case ('queued' ... 'cancelled'). */
export type JobState = Unprefixed<JobStateName, typeof JOB_STATE_PREFIX>;

/** Every job state, in the enum's order. */
export const JOB_STATES: readonly JobState[] = Object.values(JobStateEnum)
  .filter((name): name is JobStateName => name !== JobStateEnum.JOB_STATE_UNSPECIFIED)
  .map((name) => name.slice(JOB_STATE_PREFIX.length).toLowerCase() as JobState);

export const TERMINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

export function isTerminalJob(state: JobState): boolean {
  return TERMINAL_JOB_STATES.includes(state);
}

export function jobStateName(state: JobState): JobStateName {
  return `${JOB_STATE_PREFIX}${state.toUpperCase()}` as JobStateName;
}

/**
 * The job state a wire value names: an enum name ('JOB_STATE_QUEUED'), or the
 * state's short name in any case ('queued', 'QUEUED'). Undefined for anything
 * else, UNSPECIFIED included; an enum number outside jobs.proto (which
 * proto-loader hands over as a number) is anything else too.
 */
export function jobStateFromName(name: unknown): JobState | undefined {
  if (typeof name !== 'string') return undefined;
  const short = (name.startsWith(JOB_STATE_PREFIX) ? name.slice(JOB_STATE_PREFIX.length) : name).toLowerCase();
  return (JOB_STATES as readonly string[]).includes(short) ? (short as JobState) : undefined;
}

/** A LeaseLossReason enum name other than UNSPECIFIED. */
export type LeaseLossReasonName = Exclude<LeaseLossReasonOutput, 'LEASE_LOSS_REASON_UNSPECIFIED'>;
/** Why a lease is no longer its holder's (or why a completion was refused): jobs.proto's LeaseLossReason, lower case. */
export type LeaseLossReason = Unprefixed<LeaseLossReasonName, typeof LOSS_REASON_PREFIX>;

export const LEASE_LOSS_REASONS: readonly LeaseLossReason[] = Object.values(LeaseLossReasonEnum)
  .filter((name): name is LeaseLossReasonName => name !== LeaseLossReasonEnum.LEASE_LOSS_REASON_UNSPECIFIED)
  .map((name) => name.slice(LOSS_REASON_PREFIX.length).toLowerCase() as LeaseLossReason);

/** The wire name of a reason; UNSPECIFIED for none. */
export function lossReasonName(reason: LeaseLossReason | undefined): LeaseLossReasonOutput {
  return reason ? (`${LOSS_REASON_PREFIX}${reason.toUpperCase()}` as LeaseLossReasonName) : LeaseLossReasonEnum.LEASE_LOSS_REASON_UNSPECIFIED;
}

/** The reason a wire value names; undefined for UNSPECIFIED, '' and values outside jobs.proto. */
export function lossReasonOf(name: unknown): LeaseLossReason | undefined {
  if (typeof name !== 'string' || !name.startsWith(LOSS_REASON_PREFIX)) return undefined;
  const short = name.slice(LOSS_REASON_PREFIX.length).toLowerCase();
  return (LEASE_LOSS_REASONS as readonly string[]).includes(short) ? (short as LeaseLossReason) : undefined;
}

/** One lease of one task: the task and the attempt (fencing token) it was leased with. */
export type LeaseRef = Pick<TaskLeaseOutput, 'taskId' | 'attempt'>;
