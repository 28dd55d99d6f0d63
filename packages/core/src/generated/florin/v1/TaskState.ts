// Original file: proto/florin/v1/jobs.proto

export const TaskState = {
  TASK_STATE_UNSPECIFIED: 'TASK_STATE_UNSPECIFIED',
  TASK_STATE_QUEUED: 'TASK_STATE_QUEUED',
  TASK_STATE_LEASED: 'TASK_STATE_LEASED',
  TASK_STATE_SUCCEEDED: 'TASK_STATE_SUCCEEDED',
  TASK_STATE_FAILED: 'TASK_STATE_FAILED',
  TASK_STATE_CANCELLED: 'TASK_STATE_CANCELLED',
} as const;

export type TaskStateInput =
  | 'TASK_STATE_UNSPECIFIED'
  | 0
  | 'TASK_STATE_QUEUED'
  | 1
  | 'TASK_STATE_LEASED'
  | 2
  | 'TASK_STATE_SUCCEEDED'
  | 3
  | 'TASK_STATE_FAILED'
  | 4
  | 'TASK_STATE_CANCELLED'
  | 5

export type TaskStateOutput = typeof TaskState[keyof typeof TaskState]
