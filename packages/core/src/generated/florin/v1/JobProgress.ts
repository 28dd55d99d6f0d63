// Original file: proto/florin/v1/jobs.proto


export interface JobProgressInput {
  'tasksTotal'?: (number);
  'tasksQueued'?: (number);
  'tasksRunning'?: (number);
  'tasksSucceeded'?: (number);
  'tasksFailed'?: (number);
  'tasksCancelled'?: (number);
  'retries'?: (number);
}

export interface JobProgressOutput {
  'tasksTotal': (number);
  'tasksQueued': (number);
  'tasksRunning': (number);
  'tasksSucceeded': (number);
  'tasksFailed': (number);
  'tasksCancelled': (number);
  'retries': (number);
}
