import { invalidArgument, type TaskLeaseMessage, type TaskLogLineMessage, type TaskOutcomeMessage, type UnitRefMessage } from '@florin/core';
import type { CoordinatorConfig } from './coordinator-config.js';
import type { LeaseRef, TaskOutcome } from './model.js';
import { validateUnitName, validateUnitVersion } from './unit-definition.js';

const WORKER_ID = /^[A-Za-z0-9][A-Za-z0-9_.:\-/@]{0,127}$/;
/** Most leases or outcomes one Heartbeat / CompleteTasks may carry. */
export const MAX_BATCH = 10_000;
export const MAX_LEASE_TASKS = 1_000;
const MAX_ERROR_CHARS = 64 * 1024;

export function validateWorkerId(workerId: string): string {
  if (!WORKER_ID.test(workerId)) {
    throw invalidArgument(`malformed worker_id ${JSON.stringify(workerId)}: use 1-128 characters, a letter or digit first, then letters, digits or _ . : - / @`);
  }
  return workerId;
}

/** lease_ms: 0 is the default; otherwise within [minLeaseMs, maxLeaseMs]. */
export function resolveLeaseMs(leaseMs: number, config: CoordinatorConfig): number {
  if (leaseMs === 0) return config.defaultLeaseMs;
  if (leaseMs < config.minLeaseMs || leaseMs > config.maxLeaseMs) {
    throw invalidArgument(`lease_ms ${leaseMs} is outside [${config.minLeaseMs}, ${config.maxLeaseMs}] ms`);
  }
  return leaseMs;
}

export function validateUnitRefs(units: readonly UnitRefMessage[]): { name: string; version: string }[] {
  if (units.length === 0) throw invalidArgument('units is empty: name the units (name and version) this worker can run');
  return units.map((u) => ({ name: validateUnitName(u.name), version: validateUnitVersion(u.version, u.name) }));
}

function batch<T>(items: readonly T[], what: string): readonly T[] {
  if (items.length === 0) throw invalidArgument(`${what} is empty`);
  if (items.length > MAX_BATCH) throw invalidArgument(`${items.length} ${what} in one call; send at most ${MAX_BATCH}`);
  return items;
}

function leaseRef(l: Pick<TaskLeaseMessage, 'taskId' | 'attempt'>, what: string): LeaseRef {
  if (!l.taskId) throw invalidArgument(`${what}: task_id is required`);
  if (l.attempt < 1) throw invalidArgument(`${what} for task ${l.taskId}: attempt is required (the attempt number the task was leased with)`);
  return { taskId: l.taskId, attempt: l.attempt };
}

export function validateLeases(leases: readonly TaskLeaseMessage[]): LeaseRef[] {
  return batch(leases, 'leases').map((l) => leaseRef(l, 'lease'));
}

/** How much of a task's log the coordinator keeps (CoordinatorConfig.maxLogLines / maxLogLineChars). */
export interface LogLimits {
  maxLogLines: number;
  maxLogLineChars: number;
}

/** The last maxLogLines lines, each cut to maxLogLineChars (a log is kept, never refused). */
export function boundedLog(lines: readonly TaskLogLineMessage[], limits: LogLimits): TaskLogLineMessage[] {
  const tail = lines.length > limits.maxLogLines ? lines.slice(-limits.maxLogLines) : lines;
  return tail.map((l) => ({
    timeMs: Number.isSafeInteger(l.timeMs) ? l.timeMs : 0,
    message: l.message.length > limits.maxLogLineChars ? `${l.message.slice(0, limits.maxLogLineChars - 1)}…` : l.message,
  }));
}

/** A heartbeat's progress report; undefined when the lease carries none. */
export function leaseProgress(l: TaskLeaseMessage, limits: LogLimits): { fraction: number; message: string } | undefined {
  if (l.progress === 0 && l.progressMessage === '') return undefined;
  if (!(l.progress >= 0 && l.progress <= 1)) throw invalidArgument(`lease for task ${l.taskId}: progress ${l.progress} is outside [0, 1]`);
  const message = l.progressMessage.length > limits.maxLogLineChars ? `${l.progressMessage.slice(0, limits.maxLogLineChars - 1)}…` : l.progressMessage;
  return { fraction: l.progress, message };
}

function checkJson(text: string, taskId: string): void {
  try {
    JSON.parse(text);
  } catch (err) {
    throw invalidArgument(`outcome for task ${taskId}: result_json is not valid JSON (${(err as Error).message})`);
  }
}

/** Outcomes; error text is bounded (long messages are truncated, not refused). One plain loop: CompleteTasks carries up to MAX_BATCH. */
export function validateOutcomes(outcomes: readonly TaskOutcomeMessage[], logLimits: LogLimits): TaskOutcome[] {
  batch(outcomes, 'outcomes');
  const checked: TaskOutcome[] = new Array<TaskOutcome>(outcomes.length);
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i]!;
    const { taskId, attempt } = leaseRef(o, 'outcome');
    if (o.ok) {
      if (o.resultJson !== '' && o.resultJson !== 'null') checkJson(o.resultJson, taskId);
      checked[i] = { taskId, attempt, ok: true, resultJson: o.resultJson, error: '', stack: '', retryable: false, log: boundedLog(o.log, logLimits) };
    } else {
      if (!o.error) throw invalidArgument(`outcome for task ${taskId}: a failure needs an error message`);
      checked[i] = {
        taskId,
        attempt,
        ok: false,
        resultJson: '',
        error: o.error.slice(0, MAX_ERROR_CHARS),
        stack: o.stack.slice(0, MAX_ERROR_CHARS),
        retryable: o.retryable,
        log: boundedLog(o.log, logLimits),
      };
    }
  }
  return checked;
}
