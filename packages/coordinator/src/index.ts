export { CoordinatorServer, JOB_SERVICE, WORK_SERVICE, type CoordinatorServerOptions } from './coordinator-server.js';
export {
  type CoordinatorOptions,
  type CoordinatorConfig,
  COORDINATOR_DEFAULTS,
  resolveCoordinatorConfig,
  heartbeatIntervalMs,
} from './coordinator-config.js';
export { runCoordinator, type RunCoordinatorOptions, type RunningCoordinator } from './run-coordinator.js';
export { openJobStore, type JobStoreSpec, DEFAULT_PG_SCHEMA } from './store/open-job-store.js';
export { type JobStore, type ListJobsFilter, type LeaseRequest, type HeartbeatResult, type ChangeSet } from './store/job-store.js';
export { type SqliteSynchronous } from './store/sqlite-driver.js';
export {
  type JobState,
  type TaskState,
  type LeaseLossReason,
  type UnitDefinition,
  type UnitOutput,
  type UnitRecord,
  type ResolvedJobSpec,
  type JobProgress,
  type JobRecord,
  type NewJob,
  type LeasedTask,
  type LeaseRef,
  type TaskOutcome,
  type OutcomeAck,
  type TaskPolicy,
  backoffMs,
  taskIdOf,
  parseTaskId,
  isTerminalJob,
} from './model.js';
