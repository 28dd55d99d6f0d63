import { FlorinCounter, FlorinHistogram } from '@florin/core';

/**
 * The coordinator's event metrics (OpenTelemetry, no-ops without an SDK). Queue depth, leases and
 * jobs per state are gauges read from the store (observeCoordinator in @florin/telemetry).
 */
export const coordinatorMetrics = {
  /** Seconds from lease to accepted outcome, per outcome (success, failure). */
  taskDuration: new FlorinHistogram('florin.coordinator.task.duration', { unit: 's', description: 'Time from a task being leased to its outcome being accepted.' }),
  /** Tasks leased. */
  leases: new FlorinCounter('florin.coordinator.tasks.leased', { unit: '{task}', description: 'Tasks handed to workers (each attempt counts).' }),
  /** Accepted outcomes, per florin.task.outcome (success, failure). */
  outcomes: new FlorinCounter('florin.coordinator.tasks.completed', { unit: '{task}', description: 'Task outcomes accepted, per outcome.' }),
  /** Attempts that will run again: retryable failures and expired leases. */
  retries: new FlorinCounter('florin.coordinator.tasks.retried', { unit: '{task}', description: 'Tasks requeued for another attempt (retryable failure or lease expiry).' }),
  /** Jobs that ended, per florin.job.state (succeeded, failed, cancelled). */
  jobsEnded: new FlorinCounter('florin.coordinator.jobs.ended', { unit: '{job}', description: 'Jobs that reached a terminal state, per state.' }),
};
