// Original file: proto/florin/v1/jobs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CompleteTasksRequestInput as _florin_v1_CompleteTasksRequestInput, CompleteTasksRequestOutput as _florin_v1_CompleteTasksRequestOutput } from '../../florin/v1/CompleteTasksRequest.js';
import type { CompleteTasksResponseInput as _florin_v1_CompleteTasksResponseInput, CompleteTasksResponseOutput as _florin_v1_CompleteTasksResponseOutput } from '../../florin/v1/CompleteTasksResponse.js';
import type { HeartbeatRequestInput as _florin_v1_HeartbeatRequestInput, HeartbeatRequestOutput as _florin_v1_HeartbeatRequestOutput } from '../../florin/v1/HeartbeatRequest.js';
import type { HeartbeatResponseInput as _florin_v1_HeartbeatResponseInput, HeartbeatResponseOutput as _florin_v1_HeartbeatResponseOutput } from '../../florin/v1/HeartbeatResponse.js';
import type { LeaseTasksRequestInput as _florin_v1_LeaseTasksRequestInput, LeaseTasksRequestOutput as _florin_v1_LeaseTasksRequestOutput } from '../../florin/v1/LeaseTasksRequest.js';
import type { LeaseTasksResponseInput as _florin_v1_LeaseTasksResponseInput, LeaseTasksResponseOutput as _florin_v1_LeaseTasksResponseOutput } from '../../florin/v1/LeaseTasksResponse.js';
import type { RegisterUnitsRequestInput as _florin_v1_RegisterUnitsRequestInput, RegisterUnitsRequestOutput as _florin_v1_RegisterUnitsRequestOutput } from '../../florin/v1/RegisterUnitsRequest.js';
import type { RegisterUnitsResponseInput as _florin_v1_RegisterUnitsResponseInput, RegisterUnitsResponseOutput as _florin_v1_RegisterUnitsResponseOutput } from '../../florin/v1/RegisterUnitsResponse.js';

export interface WorkServiceClient extends grpc.Client {
  CompleteTasks(argument: _florin_v1_CompleteTasksRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_CompleteTasksResponseOutput>): grpc.ClientUnaryCall;
  CompleteTasks(argument: _florin_v1_CompleteTasksRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_CompleteTasksResponseOutput>): grpc.ClientUnaryCall;
  CompleteTasks(argument: _florin_v1_CompleteTasksRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_CompleteTasksResponseOutput>): grpc.ClientUnaryCall;
  CompleteTasks(argument: _florin_v1_CompleteTasksRequestInput, callback: grpc.requestCallback<_florin_v1_CompleteTasksResponseOutput>): grpc.ClientUnaryCall;
  completeTasks(argument: _florin_v1_CompleteTasksRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_CompleteTasksResponseOutput>): grpc.ClientUnaryCall;
  completeTasks(argument: _florin_v1_CompleteTasksRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_CompleteTasksResponseOutput>): grpc.ClientUnaryCall;
  completeTasks(argument: _florin_v1_CompleteTasksRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_CompleteTasksResponseOutput>): grpc.ClientUnaryCall;
  completeTasks(argument: _florin_v1_CompleteTasksRequestInput, callback: grpc.requestCallback<_florin_v1_CompleteTasksResponseOutput>): grpc.ClientUnaryCall;
  
  Heartbeat(argument: _florin_v1_HeartbeatRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_HeartbeatResponseOutput>): grpc.ClientUnaryCall;
  Heartbeat(argument: _florin_v1_HeartbeatRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_HeartbeatResponseOutput>): grpc.ClientUnaryCall;
  Heartbeat(argument: _florin_v1_HeartbeatRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_HeartbeatResponseOutput>): grpc.ClientUnaryCall;
  Heartbeat(argument: _florin_v1_HeartbeatRequestInput, callback: grpc.requestCallback<_florin_v1_HeartbeatResponseOutput>): grpc.ClientUnaryCall;
  heartbeat(argument: _florin_v1_HeartbeatRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_HeartbeatResponseOutput>): grpc.ClientUnaryCall;
  heartbeat(argument: _florin_v1_HeartbeatRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_HeartbeatResponseOutput>): grpc.ClientUnaryCall;
  heartbeat(argument: _florin_v1_HeartbeatRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_HeartbeatResponseOutput>): grpc.ClientUnaryCall;
  heartbeat(argument: _florin_v1_HeartbeatRequestInput, callback: grpc.requestCallback<_florin_v1_HeartbeatResponseOutput>): grpc.ClientUnaryCall;
  
  LeaseTasks(argument: _florin_v1_LeaseTasksRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_LeaseTasksResponseOutput>): grpc.ClientUnaryCall;
  LeaseTasks(argument: _florin_v1_LeaseTasksRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_LeaseTasksResponseOutput>): grpc.ClientUnaryCall;
  LeaseTasks(argument: _florin_v1_LeaseTasksRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_LeaseTasksResponseOutput>): grpc.ClientUnaryCall;
  LeaseTasks(argument: _florin_v1_LeaseTasksRequestInput, callback: grpc.requestCallback<_florin_v1_LeaseTasksResponseOutput>): grpc.ClientUnaryCall;
  leaseTasks(argument: _florin_v1_LeaseTasksRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_LeaseTasksResponseOutput>): grpc.ClientUnaryCall;
  leaseTasks(argument: _florin_v1_LeaseTasksRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_LeaseTasksResponseOutput>): grpc.ClientUnaryCall;
  leaseTasks(argument: _florin_v1_LeaseTasksRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_LeaseTasksResponseOutput>): grpc.ClientUnaryCall;
  leaseTasks(argument: _florin_v1_LeaseTasksRequestInput, callback: grpc.requestCallback<_florin_v1_LeaseTasksResponseOutput>): grpc.ClientUnaryCall;
  
  RegisterUnits(argument: _florin_v1_RegisterUnitsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_RegisterUnitsResponseOutput>): grpc.ClientUnaryCall;
  RegisterUnits(argument: _florin_v1_RegisterUnitsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_RegisterUnitsResponseOutput>): grpc.ClientUnaryCall;
  RegisterUnits(argument: _florin_v1_RegisterUnitsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_RegisterUnitsResponseOutput>): grpc.ClientUnaryCall;
  RegisterUnits(argument: _florin_v1_RegisterUnitsRequestInput, callback: grpc.requestCallback<_florin_v1_RegisterUnitsResponseOutput>): grpc.ClientUnaryCall;
  registerUnits(argument: _florin_v1_RegisterUnitsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_RegisterUnitsResponseOutput>): grpc.ClientUnaryCall;
  registerUnits(argument: _florin_v1_RegisterUnitsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_florin_v1_RegisterUnitsResponseOutput>): grpc.ClientUnaryCall;
  registerUnits(argument: _florin_v1_RegisterUnitsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_florin_v1_RegisterUnitsResponseOutput>): grpc.ClientUnaryCall;
  registerUnits(argument: _florin_v1_RegisterUnitsRequestInput, callback: grpc.requestCallback<_florin_v1_RegisterUnitsResponseOutput>): grpc.ClientUnaryCall;
  
}

export interface WorkServiceHandlers extends grpc.UntypedServiceImplementation {
  CompleteTasks: grpc.handleUnaryCall<_florin_v1_CompleteTasksRequestOutput, _florin_v1_CompleteTasksResponseInput>;
  
  Heartbeat: grpc.handleUnaryCall<_florin_v1_HeartbeatRequestOutput, _florin_v1_HeartbeatResponseInput>;
  
  LeaseTasks: grpc.handleUnaryCall<_florin_v1_LeaseTasksRequestOutput, _florin_v1_LeaseTasksResponseInput>;
  
  RegisterUnits: grpc.handleUnaryCall<_florin_v1_RegisterUnitsRequestOutput, _florin_v1_RegisterUnitsResponseInput>;
  
}

export interface WorkServiceDefinition extends grpc.ServiceDefinition {
  CompleteTasks: MethodDefinition<_florin_v1_CompleteTasksRequestInput, _florin_v1_CompleteTasksResponseInput, _florin_v1_CompleteTasksRequestOutput, _florin_v1_CompleteTasksResponseOutput>
  Heartbeat: MethodDefinition<_florin_v1_HeartbeatRequestInput, _florin_v1_HeartbeatResponseInput, _florin_v1_HeartbeatRequestOutput, _florin_v1_HeartbeatResponseOutput>
  LeaseTasks: MethodDefinition<_florin_v1_LeaseTasksRequestInput, _florin_v1_LeaseTasksResponseInput, _florin_v1_LeaseTasksRequestOutput, _florin_v1_LeaseTasksResponseOutput>
  RegisterUnits: MethodDefinition<_florin_v1_RegisterUnitsRequestInput, _florin_v1_RegisterUnitsResponseInput, _florin_v1_RegisterUnitsRequestOutput, _florin_v1_RegisterUnitsResponseOutput>
}
