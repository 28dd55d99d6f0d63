// Original file: proto/florin/v1/jobs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CancelJobRequestInput as _florin_v1_CancelJobRequestInput, CancelJobRequestOutput as _florin_v1_CancelJobRequestOutput } from '../../florin/v1/CancelJobRequest.js';
import type { GetJobRequestInput as _florin_v1_GetJobRequestInput, GetJobRequestOutput as _florin_v1_GetJobRequestOutput } from '../../florin/v1/GetJobRequest.js';
import type { JobInput as _florin_v1_JobInput, JobOutput as _florin_v1_JobOutput } from '../../florin/v1/Job.js';
import type { JobEventInput as _florin_v1_JobEventInput, JobEventOutput as _florin_v1_JobEventOutput } from '../../florin/v1/JobEvent.js';
import type { JobLogsRequestInput as _florin_v1_JobLogsRequestInput, JobLogsRequestOutput as _florin_v1_JobLogsRequestOutput } from '../../florin/v1/JobLogsRequest.js';
import type { JobLogsResponseInput as _florin_v1_JobLogsResponseInput, JobLogsResponseOutput as _florin_v1_JobLogsResponseOutput } from '../../florin/v1/JobLogsResponse.js';
import type { ListJobsRequestInput as _florin_v1_ListJobsRequestInput, ListJobsRequestOutput as _florin_v1_ListJobsRequestOutput } from '../../florin/v1/ListJobsRequest.js';
import type { ListJobsResponseInput as _florin_v1_ListJobsResponseInput, ListJobsResponseOutput as _florin_v1_ListJobsResponseOutput } from '../../florin/v1/ListJobsResponse.js';
import type { ListTasksRequestInput as _florin_v1_ListTasksRequestInput, ListTasksRequestOutput as _florin_v1_ListTasksRequestOutput } from '../../florin/v1/ListTasksRequest.js';
import type { ListTasksResponseInput as _florin_v1_ListTasksResponseInput, ListTasksResponseOutput as _florin_v1_ListTasksResponseOutput } from '../../florin/v1/ListTasksResponse.js';
import type { SubmitJobRequestInput as _florin_v1_SubmitJobRequestInput, SubmitJobRequestOutput as _florin_v1_SubmitJobRequestOutput } from '../../florin/v1/SubmitJobRequest.js';
import type { SubmitJobResponseInput as _florin_v1_SubmitJobResponseInput, SubmitJobResponseOutput as _florin_v1_SubmitJobResponseOutput } from '../../florin/v1/SubmitJobResponse.js';
import type { WatchJobRequestInput as _florin_v1_WatchJobRequestInput, WatchJobRequestOutput as _florin_v1_WatchJobRequestOutput } from '../../florin/v1/WatchJobRequest.js';

export interface JobServiceClient extends grpc.Client {
  Cancel(argument: _florin_v1_CancelJobRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  Cancel(argument: _florin_v1_CancelJobRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  Cancel(argument: _florin_v1_CancelJobRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  Cancel(argument: _florin_v1_CancelJobRequestInput, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  cancel(argument: _florin_v1_CancelJobRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  cancel(argument: _florin_v1_CancelJobRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  cancel(argument: _florin_v1_CancelJobRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  cancel(argument: _florin_v1_CancelJobRequestInput, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  
  Get(argument: _florin_v1_GetJobRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  Get(argument: _florin_v1_GetJobRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  Get(argument: _florin_v1_GetJobRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  Get(argument: _florin_v1_GetJobRequestInput, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  get(argument: _florin_v1_GetJobRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  get(argument: _florin_v1_GetJobRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  get(argument: _florin_v1_GetJobRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  get(argument: _florin_v1_GetJobRequestInput, callback: grpc.requestCallback<_florin_v1_JobOutput>): grpc.ClientUnaryCall;
  
  List(argument: _florin_v1_ListJobsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListJobsResponseOutput>): grpc.ClientUnaryCall;
  List(argument: _florin_v1_ListJobsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_ListJobsResponseOutput>): grpc.ClientUnaryCall;
  List(argument: _florin_v1_ListJobsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListJobsResponseOutput>): grpc.ClientUnaryCall;
  List(argument: _florin_v1_ListJobsRequestInput, callback: grpc.requestCallback<_florin_v1_ListJobsResponseOutput>): grpc.ClientUnaryCall;
  list(argument: _florin_v1_ListJobsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListJobsResponseOutput>): grpc.ClientUnaryCall;
  list(argument: _florin_v1_ListJobsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_ListJobsResponseOutput>): grpc.ClientUnaryCall;
  list(argument: _florin_v1_ListJobsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListJobsResponseOutput>): grpc.ClientUnaryCall;
  list(argument: _florin_v1_ListJobsRequestInput, callback: grpc.requestCallback<_florin_v1_ListJobsResponseOutput>): grpc.ClientUnaryCall;
  
  ListTasks(argument: _florin_v1_ListTasksRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListTasksResponseOutput>): grpc.ClientUnaryCall;
  ListTasks(argument: _florin_v1_ListTasksRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_ListTasksResponseOutput>): grpc.ClientUnaryCall;
  ListTasks(argument: _florin_v1_ListTasksRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListTasksResponseOutput>): grpc.ClientUnaryCall;
  ListTasks(argument: _florin_v1_ListTasksRequestInput, callback: grpc.requestCallback<_florin_v1_ListTasksResponseOutput>): grpc.ClientUnaryCall;
  listTasks(argument: _florin_v1_ListTasksRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListTasksResponseOutput>): grpc.ClientUnaryCall;
  listTasks(argument: _florin_v1_ListTasksRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_ListTasksResponseOutput>): grpc.ClientUnaryCall;
  listTasks(argument: _florin_v1_ListTasksRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_ListTasksResponseOutput>): grpc.ClientUnaryCall;
  listTasks(argument: _florin_v1_ListTasksRequestInput, callback: grpc.requestCallback<_florin_v1_ListTasksResponseOutput>): grpc.ClientUnaryCall;
  
  Logs(argument: _florin_v1_JobLogsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_JobLogsResponseOutput>): grpc.ClientUnaryCall;
  Logs(argument: _florin_v1_JobLogsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_JobLogsResponseOutput>): grpc.ClientUnaryCall;
  Logs(argument: _florin_v1_JobLogsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_JobLogsResponseOutput>): grpc.ClientUnaryCall;
  Logs(argument: _florin_v1_JobLogsRequestInput, callback: grpc.requestCallback<_florin_v1_JobLogsResponseOutput>): grpc.ClientUnaryCall;
  logs(argument: _florin_v1_JobLogsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_JobLogsResponseOutput>): grpc.ClientUnaryCall;
  logs(argument: _florin_v1_JobLogsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_JobLogsResponseOutput>): grpc.ClientUnaryCall;
  logs(argument: _florin_v1_JobLogsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_JobLogsResponseOutput>): grpc.ClientUnaryCall;
  logs(argument: _florin_v1_JobLogsRequestInput, callback: grpc.requestCallback<_florin_v1_JobLogsResponseOutput>): grpc.ClientUnaryCall;
  
  Submit(argument: _florin_v1_SubmitJobRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_SubmitJobResponseOutput>): grpc.ClientUnaryCall;
  Submit(argument: _florin_v1_SubmitJobRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_SubmitJobResponseOutput>): grpc.ClientUnaryCall;
  Submit(argument: _florin_v1_SubmitJobRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_SubmitJobResponseOutput>): grpc.ClientUnaryCall;
  Submit(argument: _florin_v1_SubmitJobRequestInput, callback: grpc.requestCallback<_florin_v1_SubmitJobResponseOutput>): grpc.ClientUnaryCall;
  submit(argument: _florin_v1_SubmitJobRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_SubmitJobResponseOutput>): grpc.ClientUnaryCall;
  submit(argument: _florin_v1_SubmitJobRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_SubmitJobResponseOutput>): grpc.ClientUnaryCall;
  submit(argument: _florin_v1_SubmitJobRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_SubmitJobResponseOutput>): grpc.ClientUnaryCall;
  submit(argument: _florin_v1_SubmitJobRequestInput, callback: grpc.requestCallback<_florin_v1_SubmitJobResponseOutput>): grpc.ClientUnaryCall;
  
  Watch(argument: _florin_v1_WatchJobRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_florin_v1_JobEventOutput>;
  Watch(argument: _florin_v1_WatchJobRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_florin_v1_JobEventOutput>;
  watch(argument: _florin_v1_WatchJobRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_florin_v1_JobEventOutput>;
  watch(argument: _florin_v1_WatchJobRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_florin_v1_JobEventOutput>;
  
}

export interface JobServiceHandlers extends grpc.UntypedServiceImplementation {
  Cancel: grpc.handleUnaryCall<_florin_v1_CancelJobRequestOutput, _florin_v1_JobInput>;
  
  Get: grpc.handleUnaryCall<_florin_v1_GetJobRequestOutput, _florin_v1_JobInput>;
  
  List: grpc.handleUnaryCall<_florin_v1_ListJobsRequestOutput, _florin_v1_ListJobsResponseInput>;
  
  ListTasks: grpc.handleUnaryCall<_florin_v1_ListTasksRequestOutput, _florin_v1_ListTasksResponseInput>;
  
  Logs: grpc.handleUnaryCall<_florin_v1_JobLogsRequestOutput, _florin_v1_JobLogsResponseInput>;
  
  Submit: grpc.handleUnaryCall<_florin_v1_SubmitJobRequestOutput, _florin_v1_SubmitJobResponseInput>;
  
  Watch: grpc.handleServerStreamingCall<_florin_v1_WatchJobRequestOutput, _florin_v1_JobEventInput>;
  
}

export interface JobServiceDefinition extends grpc.ServiceDefinition {
  Cancel: MethodDefinition<_florin_v1_CancelJobRequestInput, _florin_v1_JobInput, _florin_v1_CancelJobRequestOutput, _florin_v1_JobOutput>
  Get: MethodDefinition<_florin_v1_GetJobRequestInput, _florin_v1_JobInput, _florin_v1_GetJobRequestOutput, _florin_v1_JobOutput>
  List: MethodDefinition<_florin_v1_ListJobsRequestInput, _florin_v1_ListJobsResponseInput, _florin_v1_ListJobsRequestOutput, _florin_v1_ListJobsResponseOutput>
  ListTasks: MethodDefinition<_florin_v1_ListTasksRequestInput, _florin_v1_ListTasksResponseInput, _florin_v1_ListTasksRequestOutput, _florin_v1_ListTasksResponseOutput>
  Logs: MethodDefinition<_florin_v1_JobLogsRequestInput, _florin_v1_JobLogsResponseInput, _florin_v1_JobLogsRequestOutput, _florin_v1_JobLogsResponseOutput>
  Submit: MethodDefinition<_florin_v1_SubmitJobRequestInput, _florin_v1_SubmitJobResponseInput, _florin_v1_SubmitJobRequestOutput, _florin_v1_SubmitJobResponseOutput>
  Watch: MethodDefinition<_florin_v1_WatchJobRequestInput, _florin_v1_JobEventInput, _florin_v1_WatchJobRequestOutput, _florin_v1_JobEventOutput>
}
