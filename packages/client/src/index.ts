// The SDK: what a researcher imports. Data through the head nodes (routed by key ownership) and jobs through the coordinator.
export { type CallOptions, type SeriesQuery, type WriteOptions, FlorinError, type FlorinErrorCode, type SeriesFrame, type TimeRange, type DatasetInfo, type ClientSecurity, type TlsConfig, type PemSource } from '@florin/core';
export {
  HeadClient,
  HEAD_SERVICE,
  type HeadClientOptions,
  type HeadReadOptions,
  type HeadStats,
  type HeadDescription,
} from './head-client.js';
export { HeadRing } from '@florin/core';
export { DataClient, type DataClientOptions, type HeadMember } from './data-client.js';
export { connect, type ConnectOptions, type FlorinConnection } from './connect.js';
export {
  JobsClient,
  JOB_SERVICE,
  type JobsClientOptions,
  type ListJobsOptions,
  type ListTasksOptions,
  type Task,
  type TaskPage,
  type TaskState,
  type JobPage,
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
  type TaskLog,
  type TaskLogLine,
  TERMINAL_JOB_STATES,
  isTerminal,
} from './jobs/index.js';
