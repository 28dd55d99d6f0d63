import { invalidArgument, type TaskInfoMessage } from '@florin/core';
import type { TaskRecord, TaskState } from './model.js';

const TASK_STATES: readonly TaskState[] = ['queued', 'leased', 'succeeded', 'failed', 'cancelled'];
const PREFIX = 'TASK_STATE_';

export function taskInfoMessage(task: TaskRecord): TaskInfoMessage {
  return {
    index: task.index,
    state: `${PREFIX}${task.state.toUpperCase()}` as TaskInfoMessage['state'],
    attempts: task.attempts,
    failures: task.failures,
    expiries: task.expiries,
    workerId: task.workerId,
    startedMs: task.startedMs,
    updatedMs: task.updatedMs,
    final: task.final,
    symbolCount: task.symbolCount,
    firstSymbol: task.firstSymbol,
    error: task.error,
    errorStack: task.errorStack,
  };
}

/** The task state a wire value names (TASK_STATE_LEASED or leased), else INVALID_ARGUMENT. */
export function taskStateOf(name: unknown): TaskState {
  const text = typeof name === 'string' ? name : '';
  const short = (text.startsWith(PREFIX) ? text.slice(PREFIX.length) : text).toLowerCase();
  if (!(TASK_STATES as readonly string[]).includes(short)) throw invalidArgument(`states: ${String(name)} is not a task state; use ${TASK_STATES.join(', ')}`);
  return short as TaskState;
}
