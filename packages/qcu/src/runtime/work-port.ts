import type { WorkClient } from '../work/work-client.js';

/** The coordinator's WorkService as the QCU runtime uses it: `WorkClient`, or anything with its shape. */
export type WorkPort = Pick<WorkClient, 'workerId' | 'registerUnits' | 'lease' | 'leaseCarrying' | 'heartbeat' | 'complete' | 'close'>;

export type { LeasedTask, TaskOutcome, OutcomeAck, HeartbeatAnswer, LeaseLossReason, LeaseRef, LeaseReport, TaskLogLine } from '../work/work-types.js';
