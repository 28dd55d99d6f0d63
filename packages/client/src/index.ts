export {
  DataServiceClient,
  type DataServiceClientOptions,
  type DataServiceStub,
  type SeriesQuery,
  type WriteOptions,
} from './data-service-client.js';
export { ShardClient, SHARD_SERVICE, type ShardClientOptions, type ShardDescription } from './shard-client.js';
export {
  HeadClient,
  HEAD_SERVICE,
  type HeadClientOptions,
  type HeadReadOptions,
  type HeadStats,
  type HeadDescription,
} from './head-client.js';
export { HeadRing } from './head-ring.js';
export { DataClient, type DataClientOptions } from './data-client.js';
export { connect, type ConnectOptions, type FlorinConnection } from './connect.js';
export { ShardRouter } from './shard-router.js';
export { type CallOptions } from './call-options.js';
export { SeriesAssembler } from './series-assembler.js';
export { collectReadStream } from './read-stream.js';
export {
  JobsClient,
  JOB_SERVICE,
  type JobsClientOptions,
  type ListJobsOptions,
  JobHandle,
  JobResultsReader,
  type JobData,
  type JobResultsOptions,
  type WatchOptions,
  type Job,
  type JobEvent,
  type JobProgress,
  type JobState,
  type JobSubmission,
  TERMINAL_JOB_STATES,
  isTerminal,
  WorkClient,
  WORK_SERVICE,
  type WorkClientOptions,
  type LeaseOptions,
  type Task,
  type TaskOutcome,
  type OutcomeAck,
  type HeartbeatAnswer,
  type LeaseRef,
  type LeaseLossReason,
  type UnitDeclaration,
  type UnitRef,
  type UnitOutputDeclaration,
} from './jobs/index.js';
