import type { WorkClient } from '@florin/client';

/** The coordinator's WorkService as the QCU runtime uses it: `WorkClient` from @florin/client. */
export type WorkPort = Pick<WorkClient, 'workerId' | 'registerUnits' | 'lease' | 'heartbeat' | 'complete' | 'close'>;

/** One leased task, as WorkClient.lease answers it (params and parts already parsed). */
export type LeasedTask = Awaited<ReturnType<WorkClient['lease']>>[number];

/** A task's outcome, as WorkClient.complete sends it. */
export type TaskOutcome = Parameters<WorkClient['complete']>[0][number];

export type OutcomeAck = Awaited<ReturnType<WorkClient['complete']>>[number];

export type HeartbeatAnswer = Awaited<ReturnType<WorkClient['heartbeat']>>;

/** Why a lease is no longer this worker's. */
export type LeaseLossReason = HeartbeatAnswer['lost'][number]['reason'];

export interface LeaseRef {
  taskId: string;
  attempt: number;
}
