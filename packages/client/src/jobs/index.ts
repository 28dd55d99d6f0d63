export { JobsClient, JOB_SERVICE, type JobsClientOptions, type ListJobsOptions, type ListTasksOptions } from './jobs-client.js';
export { type Task, type TaskPage, type TaskState, type JobPage } from './task-types.js';
export { JobHandle } from './job-handle.js';
export { JobResultsReader, type JobData, type JobResultsOptions } from './job-results.js';
export { type WatchOptions } from './job-event-stream.js';
export { type Job, type JobEvent, type JobProgress, type JobState, type JobSubmission, type TaskLog, type TaskLogLine, TERMINAL_JOB_STATES, isTerminal } from './job-types.js';
