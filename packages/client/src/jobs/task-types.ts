import { FlorinError, type TaskInfoMessage } from '@florin/core';
import type { Job } from './job-types.js';

/** A task's state: jobs.proto's TaskState without its prefix, lower case. */
export type TaskState = 'queued' | 'leased' | 'succeeded' | 'failed' | 'cancelled';

/** A TaskState as the wire names it. */
export type TaskStateName = `TASK_STATE_${Uppercase<TaskState>}`;

const TASK_STATES: readonly string[] = ['queued', 'leased', 'succeeded', 'failed', 'cancelled'];

/** One task of a job (the wire's TaskInfo, with its state a TaskState). */
export interface Task extends Omit<TaskInfoMessage, 'state'> {
  state: TaskState;
}

export interface TaskPage {
  tasks: Task[];
  /** '' after the last page. */
  nextPageToken: string;
}

export interface JobPage {
  jobs: Job[];
  /** '' after the last page. */
  nextPageToken: string;
}

export function taskFromMessage(m: TaskInfoMessage): Task {
  const name = String(m.state);
  const state = name.startsWith('TASK_STATE_') ? name.slice('TASK_STATE_'.length).toLowerCase() : '';
  if (!TASK_STATES.includes(state)) throw new FlorinError('INTERNAL', `the coordinator answered a task in state ${name}, which this client does not know`);
  return { ...m, state: state as TaskState };
}
