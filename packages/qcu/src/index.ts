export { type ParamsOf, type Json } from './params.js';
// The params schema and its validation live in @florin/core (one copy for QCU, coordinator and SDK); re-exported for unit authors.
export { type ParamsSchema, type ParamSchema, type ParamsJsonSchema, validateParams, paramsJsonSchema } from '@florin/core';
export { type Task, type JobInfo } from './task.js';
export { type Unit, type UnitDefinition, type UnitOutput, type UnitDescriptor, defineUnit, isUnit, unitDescriptor } from './unit.js';
export { type UnitContext, type TaskContext, type FinalContext, type ProgressUpdate, type UnitLogEntry } from './context.js';
export { type DataPort, type DataReadOptions, type UnitData } from './data-port.js';
export { Publisher, type PublisherOptions, type PublishFrame } from './publisher.js';
export { readHistory, type HistoryQuery } from './history.js';
export { type Kernel, type KernelFn, defineKernel } from './pool/kernel.js';
export { type ComputeFn, columnOf, publishableRows, publishAll } from './series.js';
export { KernelPool, type KernelPoolOptions, type KernelPoolState, type KernelRunOptions } from './pool/kernel-pool.js';
export { QcuWorker, type QcuWorkerState, type QcuWorkerStats } from './runtime/qcu-worker.js';
export { type QcuWorkerOptions, type QcuWorkerConfig, QCU_DEFAULTS, resolveQcuWorkerOptions } from './runtime/options.js';
export { loadUnits } from './runtime/load-units.js';
export { type TaskTimings } from './runtime/task-timings.js';
export { WriteCoalescer, type WriteCoalescerOptions } from './runtime/write-coalescer.js';
export { PermanentTaskError, isRetryable } from './runtime/task-error.js';
export { WorkClient, WORK_SERVICE, type WorkClientOptions, type LeaseOptions } from './work/work-client.js';
export type {
  LeasedTask,
  TaskOutcome,
  OutcomeAck,
  HeartbeatAnswer,
  LeaseRef,
  LeaseReport,
  TaskLogLine,
  LeaseLossReason,
  UnitDeclaration,
  UnitRef,
  UnitOutputDeclaration,
} from './work/work-types.js';
