/**
 * jobs.proto messages as they cross the grpc-js boundary with PROTO_LOADER_OPTIONS
 * (camelCase, int64 as number, enums as names, defaults filled in).
 */

export interface JobSpecMessage {
  unit: string;
  unitVersion: string;
  dataset: string;
  symbols: string[];
  startMs: number;
  endMs: number;
  taskSize: number;
  paramsJson: string;
  outputDataset: string;
  idempotencyKey: string;
  maxAttempts: number;
}

export interface JobProgressMessage {
  tasksTotal: number;
  tasksQueued: number;
  tasksRunning: number;
  tasksSucceeded: number;
  tasksFailed: number;
  tasksCancelled: number;
  retries: number;
}

export interface JobMessage {
  jobId: string;
  spec: JobSpecMessage;
  state: string;
  progress: JobProgressMessage;
  hasFinal: boolean;
  resultJson: string;
  error: string;
  errorStack: string;
  failedTaskIndex: number;
  symbolCount: number;
  createdMs: number;
  updatedMs: number;
  finishedMs: number;
}

export interface SubmitJobResponseMessage {
  job: JobMessage;
  created: boolean;
}

export interface ListJobsResponseMessage {
  jobs: JobMessage[];
}

export interface JobEventMessage {
  job: JobMessage;
  initial: boolean;
  terminal: boolean;
}

export interface UnitOutputMessage {
  dataset: string;
  fields: string[];
  frequency: string;
}

export interface UnitDefinitionMessage {
  name: string;
  version: string;
  paramsSchemaJson: string;
  hasFinal: boolean;
  description: string;
  /** Absent (null) from a coordinator that predates unit outputs. */
  output: UnitOutputMessage | null;
}

export interface RegisterUnitsResponseMessage {
  units: UnitDefinitionMessage[];
  heartbeatIntervalMs: number;
}

export interface TaskMessage {
  taskId: string;
  jobId: string;
  index: number;
  attempt: number;
  unit: { name: string; version: string };
  final: boolean;
  dataset: string;
  symbols: string[];
  startMs: number;
  endMs: number;
  paramsJson: string;
  outputDataset: string;
  parts: { index: number; resultJson: string }[];
  leaseExpiresMs: number;
  maxAttempts: number;
}

export interface LeaseTasksResponseMessage {
  tasks: TaskMessage[];
}

export interface HeartbeatResponseMessage {
  extended: { taskId: string; attempt: number; leaseExpiresMs: number }[];
  lost: { taskId: string; attempt: number; reason: string }[];
}

export interface CompleteTasksResponseMessage {
  acks: { taskId: string; attempt: number; accepted: boolean; reason: string }[];
}
