import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CancelJobRequestInput as _florin_v1_CancelJobRequestInput, CancelJobRequestOutput as _florin_v1_CancelJobRequestOutput } from './florin/v1/CancelJobRequest.js';
import type { CompleteTasksRequestInput as _florin_v1_CompleteTasksRequestInput, CompleteTasksRequestOutput as _florin_v1_CompleteTasksRequestOutput } from './florin/v1/CompleteTasksRequest.js';
import type { CompleteTasksResponseInput as _florin_v1_CompleteTasksResponseInput, CompleteTasksResponseOutput as _florin_v1_CompleteTasksResponseOutput } from './florin/v1/CompleteTasksResponse.js';
import type { ExtendedLeaseInput as _florin_v1_ExtendedLeaseInput, ExtendedLeaseOutput as _florin_v1_ExtendedLeaseOutput } from './florin/v1/ExtendedLease.js';
import type { GetJobRequestInput as _florin_v1_GetJobRequestInput, GetJobRequestOutput as _florin_v1_GetJobRequestOutput } from './florin/v1/GetJobRequest.js';
import type { HeartbeatRequestInput as _florin_v1_HeartbeatRequestInput, HeartbeatRequestOutput as _florin_v1_HeartbeatRequestOutput } from './florin/v1/HeartbeatRequest.js';
import type { HeartbeatResponseInput as _florin_v1_HeartbeatResponseInput, HeartbeatResponseOutput as _florin_v1_HeartbeatResponseOutput } from './florin/v1/HeartbeatResponse.js';
import type { JobInput as _florin_v1_JobInput, JobOutput as _florin_v1_JobOutput } from './florin/v1/Job.js';
import type { JobEventInput as _florin_v1_JobEventInput, JobEventOutput as _florin_v1_JobEventOutput } from './florin/v1/JobEvent.js';
import type { JobLogsRequestInput as _florin_v1_JobLogsRequestInput, JobLogsRequestOutput as _florin_v1_JobLogsRequestOutput } from './florin/v1/JobLogsRequest.js';
import type { JobLogsResponseInput as _florin_v1_JobLogsResponseInput, JobLogsResponseOutput as _florin_v1_JobLogsResponseOutput } from './florin/v1/JobLogsResponse.js';
import type { JobProgressInput as _florin_v1_JobProgressInput, JobProgressOutput as _florin_v1_JobProgressOutput } from './florin/v1/JobProgress.js';
import type { JobServiceClient as _florin_v1_JobServiceClient, JobServiceDefinition as _florin_v1_JobServiceDefinition } from './florin/v1/JobService.js';
import type { JobSpecInput as _florin_v1_JobSpecInput, JobSpecOutput as _florin_v1_JobSpecOutput } from './florin/v1/JobSpec.js';
import type { LeaseTasksRequestInput as _florin_v1_LeaseTasksRequestInput, LeaseTasksRequestOutput as _florin_v1_LeaseTasksRequestOutput } from './florin/v1/LeaseTasksRequest.js';
import type { LeaseTasksResponseInput as _florin_v1_LeaseTasksResponseInput, LeaseTasksResponseOutput as _florin_v1_LeaseTasksResponseOutput } from './florin/v1/LeaseTasksResponse.js';
import type { ListJobsRequestInput as _florin_v1_ListJobsRequestInput, ListJobsRequestOutput as _florin_v1_ListJobsRequestOutput } from './florin/v1/ListJobsRequest.js';
import type { ListJobsResponseInput as _florin_v1_ListJobsResponseInput, ListJobsResponseOutput as _florin_v1_ListJobsResponseOutput } from './florin/v1/ListJobsResponse.js';
import type { ListTasksRequestInput as _florin_v1_ListTasksRequestInput, ListTasksRequestOutput as _florin_v1_ListTasksRequestOutput } from './florin/v1/ListTasksRequest.js';
import type { ListTasksResponseInput as _florin_v1_ListTasksResponseInput, ListTasksResponseOutput as _florin_v1_ListTasksResponseOutput } from './florin/v1/ListTasksResponse.js';
import type { LostLeaseInput as _florin_v1_LostLeaseInput, LostLeaseOutput as _florin_v1_LostLeaseOutput } from './florin/v1/LostLease.js';
import type { OutcomeAckInput as _florin_v1_OutcomeAckInput, OutcomeAckOutput as _florin_v1_OutcomeAckOutput } from './florin/v1/OutcomeAck.js';
import type { RegisterUnitsRequestInput as _florin_v1_RegisterUnitsRequestInput, RegisterUnitsRequestOutput as _florin_v1_RegisterUnitsRequestOutput } from './florin/v1/RegisterUnitsRequest.js';
import type { RegisterUnitsResponseInput as _florin_v1_RegisterUnitsResponseInput, RegisterUnitsResponseOutput as _florin_v1_RegisterUnitsResponseOutput } from './florin/v1/RegisterUnitsResponse.js';
import type { SubmitJobRequestInput as _florin_v1_SubmitJobRequestInput, SubmitJobRequestOutput as _florin_v1_SubmitJobRequestOutput } from './florin/v1/SubmitJobRequest.js';
import type { SubmitJobResponseInput as _florin_v1_SubmitJobResponseInput, SubmitJobResponseOutput as _florin_v1_SubmitJobResponseOutput } from './florin/v1/SubmitJobResponse.js';
import type { TaskInput as _florin_v1_TaskInput, TaskOutput as _florin_v1_TaskOutput } from './florin/v1/Task.js';
import type { TaskInfoInput as _florin_v1_TaskInfoInput, TaskInfoOutput as _florin_v1_TaskInfoOutput } from './florin/v1/TaskInfo.js';
import type { TaskLeaseInput as _florin_v1_TaskLeaseInput, TaskLeaseOutput as _florin_v1_TaskLeaseOutput } from './florin/v1/TaskLease.js';
import type { TaskLogInput as _florin_v1_TaskLogInput, TaskLogOutput as _florin_v1_TaskLogOutput } from './florin/v1/TaskLog.js';
import type { TaskLogLineInput as _florin_v1_TaskLogLineInput, TaskLogLineOutput as _florin_v1_TaskLogLineOutput } from './florin/v1/TaskLogLine.js';
import type { TaskOutcomeInput as _florin_v1_TaskOutcomeInput, TaskOutcomeOutput as _florin_v1_TaskOutcomeOutput } from './florin/v1/TaskOutcome.js';
import type { TaskPartInput as _florin_v1_TaskPartInput, TaskPartOutput as _florin_v1_TaskPartOutput } from './florin/v1/TaskPart.js';
import type { TaskProgressInput as _florin_v1_TaskProgressInput, TaskProgressOutput as _florin_v1_TaskProgressOutput } from './florin/v1/TaskProgress.js';
import type { UnitDefinitionInput as _florin_v1_UnitDefinitionInput, UnitDefinitionOutput as _florin_v1_UnitDefinitionOutput } from './florin/v1/UnitDefinition.js';
import type { UnitOutputInput as _florin_v1_UnitOutputInput, UnitOutputOutput as _florin_v1_UnitOutputOutput } from './florin/v1/UnitOutput.js';
import type { UnitRefInput as _florin_v1_UnitRefInput, UnitRefOutput as _florin_v1_UnitRefOutput } from './florin/v1/UnitRef.js';
import type { WatchJobRequestInput as _florin_v1_WatchJobRequestInput, WatchJobRequestOutput as _florin_v1_WatchJobRequestOutput } from './florin/v1/WatchJobRequest.js';
import type { WorkServiceClient as _florin_v1_WorkServiceClient, WorkServiceDefinition as _florin_v1_WorkServiceDefinition } from './florin/v1/WorkService.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  florin: {
    v1: {
      CancelJobRequest: MessageTypeDefinition<_florin_v1_CancelJobRequestInput, _florin_v1_CancelJobRequestOutput>
      CompleteTasksRequest: MessageTypeDefinition<_florin_v1_CompleteTasksRequestInput, _florin_v1_CompleteTasksRequestOutput>
      CompleteTasksResponse: MessageTypeDefinition<_florin_v1_CompleteTasksResponseInput, _florin_v1_CompleteTasksResponseOutput>
      ExtendedLease: MessageTypeDefinition<_florin_v1_ExtendedLeaseInput, _florin_v1_ExtendedLeaseOutput>
      GetJobRequest: MessageTypeDefinition<_florin_v1_GetJobRequestInput, _florin_v1_GetJobRequestOutput>
      HeartbeatRequest: MessageTypeDefinition<_florin_v1_HeartbeatRequestInput, _florin_v1_HeartbeatRequestOutput>
      HeartbeatResponse: MessageTypeDefinition<_florin_v1_HeartbeatResponseInput, _florin_v1_HeartbeatResponseOutput>
      Job: MessageTypeDefinition<_florin_v1_JobInput, _florin_v1_JobOutput>
      JobEvent: MessageTypeDefinition<_florin_v1_JobEventInput, _florin_v1_JobEventOutput>
      JobLogsRequest: MessageTypeDefinition<_florin_v1_JobLogsRequestInput, _florin_v1_JobLogsRequestOutput>
      JobLogsResponse: MessageTypeDefinition<_florin_v1_JobLogsResponseInput, _florin_v1_JobLogsResponseOutput>
      JobProgress: MessageTypeDefinition<_florin_v1_JobProgressInput, _florin_v1_JobProgressOutput>
      JobService: SubtypeConstructor<typeof grpc.Client, _florin_v1_JobServiceClient> & { service: _florin_v1_JobServiceDefinition }
      JobSpec: MessageTypeDefinition<_florin_v1_JobSpecInput, _florin_v1_JobSpecOutput>
      JobState: EnumTypeDefinition
      LeaseLossReason: EnumTypeDefinition
      LeaseTasksRequest: MessageTypeDefinition<_florin_v1_LeaseTasksRequestInput, _florin_v1_LeaseTasksRequestOutput>
      LeaseTasksResponse: MessageTypeDefinition<_florin_v1_LeaseTasksResponseInput, _florin_v1_LeaseTasksResponseOutput>
      ListJobsRequest: MessageTypeDefinition<_florin_v1_ListJobsRequestInput, _florin_v1_ListJobsRequestOutput>
      ListJobsResponse: MessageTypeDefinition<_florin_v1_ListJobsResponseInput, _florin_v1_ListJobsResponseOutput>
      ListTasksRequest: MessageTypeDefinition<_florin_v1_ListTasksRequestInput, _florin_v1_ListTasksRequestOutput>
      ListTasksResponse: MessageTypeDefinition<_florin_v1_ListTasksResponseInput, _florin_v1_ListTasksResponseOutput>
      LostLease: MessageTypeDefinition<_florin_v1_LostLeaseInput, _florin_v1_LostLeaseOutput>
      OutcomeAck: MessageTypeDefinition<_florin_v1_OutcomeAckInput, _florin_v1_OutcomeAckOutput>
      RegisterUnitsRequest: MessageTypeDefinition<_florin_v1_RegisterUnitsRequestInput, _florin_v1_RegisterUnitsRequestOutput>
      RegisterUnitsResponse: MessageTypeDefinition<_florin_v1_RegisterUnitsResponseInput, _florin_v1_RegisterUnitsResponseOutput>
      SubmitJobRequest: MessageTypeDefinition<_florin_v1_SubmitJobRequestInput, _florin_v1_SubmitJobRequestOutput>
      SubmitJobResponse: MessageTypeDefinition<_florin_v1_SubmitJobResponseInput, _florin_v1_SubmitJobResponseOutput>
      Task: MessageTypeDefinition<_florin_v1_TaskInput, _florin_v1_TaskOutput>
      TaskInfo: MessageTypeDefinition<_florin_v1_TaskInfoInput, _florin_v1_TaskInfoOutput>
      TaskLease: MessageTypeDefinition<_florin_v1_TaskLeaseInput, _florin_v1_TaskLeaseOutput>
      TaskLog: MessageTypeDefinition<_florin_v1_TaskLogInput, _florin_v1_TaskLogOutput>
      TaskLogLine: MessageTypeDefinition<_florin_v1_TaskLogLineInput, _florin_v1_TaskLogLineOutput>
      TaskOutcome: MessageTypeDefinition<_florin_v1_TaskOutcomeInput, _florin_v1_TaskOutcomeOutput>
      TaskPart: MessageTypeDefinition<_florin_v1_TaskPartInput, _florin_v1_TaskPartOutput>
      TaskProgress: MessageTypeDefinition<_florin_v1_TaskProgressInput, _florin_v1_TaskProgressOutput>
      TaskState: EnumTypeDefinition
      UnitDefinition: MessageTypeDefinition<_florin_v1_UnitDefinitionInput, _florin_v1_UnitDefinitionOutput>
      UnitOutput: MessageTypeDefinition<_florin_v1_UnitOutputInput, _florin_v1_UnitOutputOutput>
      UnitRef: MessageTypeDefinition<_florin_v1_UnitRefInput, _florin_v1_UnitRefOutput>
      WatchJobRequest: MessageTypeDefinition<_florin_v1_WatchJobRequestInput, _florin_v1_WatchJobRequestOutput>
      WorkService: SubtypeConstructor<typeof grpc.Client, _florin_v1_WorkServiceClient> & { service: _florin_v1_WorkServiceDefinition }
    }
  }
}

