/**
 * The florin.v1 messages as they cross the grpc-js boundary with
 * PROTO_LOADER_OPTIONS, named `<Message>Message`: each is the generated
 * `<Message>Output` (src/generated, `npm run gen:wire`), i.e. what a handler
 * receives and a client's callback gets (camelCase, int64 as number, enums as
 * names, defaults filled in, absent sub-messages null), and what a handler
 * may answer. Requests a client sends are the generated `<Message>Input`s.
 *
 * The exceptions are the Read/Write series blocks, which the hand-written
 * ReadChunk codec (read-chunk-*.ts) decodes and encodes itself.
 */
import type { WireBlock } from './codec.js';
import type { SeriesFrame } from './frame.js';

import type { DatasetInfoInput, DatasetInfoOutput } from './generated/florin/v1/DatasetInfo.js';
import type { ReadRequestInput, ReadRequestOutput } from './generated/florin/v1/ReadRequest.js';
import type { WriteResponseInput, WriteResponseOutput } from './generated/florin/v1/WriteResponse.js';
import type { ListDatasetsResponseInput, ListDatasetsResponseOutput } from './generated/florin/v1/ListDatasetsResponse.js';
import type { CreateDatasetRequestInput, CreateDatasetRequestOutput } from './generated/florin/v1/CreateDatasetRequest.js';
import type { CreateDatasetResponseInput, CreateDatasetResponseOutput } from './generated/florin/v1/CreateDatasetResponse.js';
import type { ListSymbolsRequestInput, ListSymbolsRequestOutput } from './generated/florin/v1/ListSymbolsRequest.js';
import type { ListSymbolsResponseInput, ListSymbolsResponseOutput } from './generated/florin/v1/ListSymbolsResponse.js';
import type { DescribeShardResponseInput, DescribeShardResponseOutput } from './generated/florin/v1/DescribeShardResponse.js';
import type { HeadStatsRequestInput, HeadStatsRequestOutput } from './generated/florin/v1/HeadStatsRequest.js';
import type { HeadStatsInput, HeadStatsOutput } from './generated/florin/v1/HeadStats.js';
import type { DescribeHeadResponseInput, DescribeHeadResponseOutput } from './generated/florin/v1/DescribeHeadResponse.js';
import type { JobSpecInput, JobSpecOutput } from './generated/florin/v1/JobSpec.js';
import type { JobProgressInput, JobProgressOutput } from './generated/florin/v1/JobProgress.js';
import type { JobInput, JobOutput } from './generated/florin/v1/Job.js';
import type { SubmitJobRequestInput, SubmitJobRequestOutput } from './generated/florin/v1/SubmitJobRequest.js';
import type { SubmitJobResponseInput, SubmitJobResponseOutput } from './generated/florin/v1/SubmitJobResponse.js';
import type { GetJobRequestInput, GetJobRequestOutput } from './generated/florin/v1/GetJobRequest.js';
import type { ListJobsRequestInput, ListJobsRequestOutput } from './generated/florin/v1/ListJobsRequest.js';
import type { ListJobsResponseInput, ListJobsResponseOutput } from './generated/florin/v1/ListJobsResponse.js';
import type { WatchJobRequestInput, WatchJobRequestOutput } from './generated/florin/v1/WatchJobRequest.js';
import type { JobEventInput, JobEventOutput } from './generated/florin/v1/JobEvent.js';
import type { CancelJobRequestInput, CancelJobRequestOutput } from './generated/florin/v1/CancelJobRequest.js';
import type { TaskInfoInput, TaskInfoOutput } from './generated/florin/v1/TaskInfo.js';
import type { ListTasksRequestInput, ListTasksRequestOutput } from './generated/florin/v1/ListTasksRequest.js';
import type { ListTasksResponseInput, ListTasksResponseOutput } from './generated/florin/v1/ListTasksResponse.js';
import type { UnitOutputInput, UnitOutputOutput } from './generated/florin/v1/UnitOutput.js';
import type { UnitDefinitionInput, UnitDefinitionOutput } from './generated/florin/v1/UnitDefinition.js';
import type { UnitRefInput, UnitRefOutput } from './generated/florin/v1/UnitRef.js';
import type { RegisterUnitsRequestInput, RegisterUnitsRequestOutput } from './generated/florin/v1/RegisterUnitsRequest.js';
import type { RegisterUnitsResponseInput, RegisterUnitsResponseOutput } from './generated/florin/v1/RegisterUnitsResponse.js';
import type { TaskPartInput, TaskPartOutput } from './generated/florin/v1/TaskPart.js';
import type { TaskInput, TaskOutput } from './generated/florin/v1/Task.js';
import type { LeaseTasksRequestInput, LeaseTasksRequestOutput } from './generated/florin/v1/LeaseTasksRequest.js';
import type { LeaseTasksResponseInput, LeaseTasksResponseOutput } from './generated/florin/v1/LeaseTasksResponse.js';
import type { TaskLeaseInput, TaskLeaseOutput } from './generated/florin/v1/TaskLease.js';
import type { HeartbeatRequestInput, HeartbeatRequestOutput } from './generated/florin/v1/HeartbeatRequest.js';
import type { ExtendedLeaseInput, ExtendedLeaseOutput } from './generated/florin/v1/ExtendedLease.js';
import type { LostLeaseInput, LostLeaseOutput } from './generated/florin/v1/LostLease.js';
import type { HeartbeatResponseInput, HeartbeatResponseOutput } from './generated/florin/v1/HeartbeatResponse.js';
import type { TaskOutcomeInput, TaskOutcomeOutput } from './generated/florin/v1/TaskOutcome.js';
import type { CompleteTasksRequestInput, CompleteTasksRequestOutput } from './generated/florin/v1/CompleteTasksRequest.js';
import type { TaskProgressInput, TaskProgressOutput } from './generated/florin/v1/TaskProgress.js';
import type { TaskLogLineInput, TaskLogLineOutput } from './generated/florin/v1/TaskLogLine.js';
import type { TaskLogInput, TaskLogOutput } from './generated/florin/v1/TaskLog.js';
import type { JobLogsRequestInput, JobLogsRequestOutput } from './generated/florin/v1/JobLogsRequest.js';
import type { JobLogsResponseInput, JobLogsResponseOutput } from './generated/florin/v1/JobLogsResponse.js';
import type { OutcomeAckInput, OutcomeAckOutput } from './generated/florin/v1/OutcomeAck.js';
import type { CompleteTasksResponseInput, CompleteTasksResponseOutput } from './generated/florin/v1/CompleteTasksResponse.js';
import type { SeriesBlockOutput } from './generated/florin/v1/SeriesBlock.js';
import type { ReadChunkOutput } from './generated/florin/v1/ReadChunk.js';
import type { WriteRequestOutput } from './generated/florin/v1/WriteRequest.js';

// ---------------------------------------------------------------- series.proto

export type DatasetInfoMessage = DatasetInfoOutput;
export type { DatasetInfoInput };
export type ReadRequestMessage = ReadRequestOutput;
export type { ReadRequestInput };
export type WriteResponseMessage = WriteResponseOutput;
export type { WriteResponseInput };
export type ListDatasetsResponseMessage = ListDatasetsResponseOutput;
export type { ListDatasetsResponseInput };
export type CreateDatasetRequestMessage = CreateDatasetRequestOutput;
export type { CreateDatasetRequestInput };
export type CreateDatasetResponseMessage = CreateDatasetResponseOutput;
export type { CreateDatasetResponseInput };
export type ListSymbolsRequestMessage = ListSymbolsRequestOutput;
export type { ListSymbolsRequestInput };
export type ListSymbolsResponseMessage = ListSymbolsResponseOutput;
export type { ListSymbolsResponseInput };
export type DescribeShardResponseMessage = DescribeShardResponseOutput;
export type { DescribeShardResponseInput };

// ---------------------------------------------------------------- head.proto

export type HeadStatsRequestMessage = HeadStatsRequestOutput;
export type { HeadStatsRequestInput };
export type HeadStatsMessage = HeadStatsOutput;
export type { HeadStatsInput };
export type DescribeHeadResponseMessage = DescribeHeadResponseOutput;
export type { DescribeHeadResponseInput };

// ---------------------------------------------------------------- jobs.proto

export type JobSpecMessage = JobSpecOutput;
export type { JobSpecInput };
export type JobProgressMessage = JobProgressOutput;
export type { JobProgressInput };
export type JobMessage = JobOutput;
export type { JobInput };
export type SubmitJobRequestMessage = SubmitJobRequestOutput;
export type { SubmitJobRequestInput };
export type SubmitJobResponseMessage = SubmitJobResponseOutput;
export type { SubmitJobResponseInput };
export type GetJobRequestMessage = GetJobRequestOutput;
export type { GetJobRequestInput };
export type ListJobsRequestMessage = ListJobsRequestOutput;
export type { ListJobsRequestInput };
export type ListJobsResponseMessage = ListJobsResponseOutput;
export type { ListJobsResponseInput };
export type WatchJobRequestMessage = WatchJobRequestOutput;
export type { WatchJobRequestInput };
export type JobEventMessage = JobEventOutput;
export type { JobEventInput };
export type CancelJobRequestMessage = CancelJobRequestOutput;
export type { CancelJobRequestInput };
export type TaskInfoMessage = TaskInfoOutput;
export type { TaskInfoInput };
export type ListTasksRequestMessage = ListTasksRequestOutput;
export type { ListTasksRequestInput };
export type ListTasksResponseMessage = ListTasksResponseOutput;
export type { ListTasksResponseInput };
export type UnitOutputMessage = UnitOutputOutput;
export type { UnitOutputInput };
export type UnitDefinitionMessage = UnitDefinitionOutput;
export type { UnitDefinitionInput };
export type UnitRefMessage = UnitRefOutput;
export type { UnitRefInput };
export type RegisterUnitsRequestMessage = RegisterUnitsRequestOutput;
export type { RegisterUnitsRequestInput };
export type RegisterUnitsResponseMessage = RegisterUnitsResponseOutput;
export type { RegisterUnitsResponseInput };
export type TaskPartMessage = TaskPartOutput;
export type { TaskPartInput };
export type TaskMessage = TaskOutput;
export type { TaskInput };
export type LeaseTasksRequestMessage = LeaseTasksRequestOutput;
export type { LeaseTasksRequestInput };
export type LeaseTasksResponseMessage = LeaseTasksResponseOutput;
export type { LeaseTasksResponseInput };
export type TaskLeaseMessage = TaskLeaseOutput;
export type { TaskLeaseInput };
export type HeartbeatRequestMessage = HeartbeatRequestOutput;
export type { HeartbeatRequestInput };
export type ExtendedLeaseMessage = ExtendedLeaseOutput;
export type { ExtendedLeaseInput };
export type LostLeaseMessage = LostLeaseOutput;
export type { LostLeaseInput };
export type HeartbeatResponseMessage = HeartbeatResponseOutput;
export type { HeartbeatResponseInput };
export type TaskOutcomeMessage = TaskOutcomeOutput;
export type { TaskOutcomeInput };
export type CompleteTasksRequestMessage = CompleteTasksRequestOutput;
export type { CompleteTasksRequestInput };
export type OutcomeAckMessage = OutcomeAckOutput;
export type { OutcomeAckInput };
export type CompleteTasksResponseMessage = CompleteTasksResponseOutput;
export type { CompleteTasksResponseInput };
export type TaskProgressMessage = TaskProgressOutput;
export type { TaskProgressInput };
export type TaskLogLineMessage = TaskLogLineOutput;
export type { TaskLogLineInput };
export type TaskLogMessage = TaskLogOutput;
export type { TaskLogInput };
export type JobLogsRequestMessage = JobLogsRequestOutput;
export type { JobLogsRequestInput };
export type JobLogsResponseMessage = JobLogsResponseOutput;
export type { JobLogsResponseInput };

// ---------------------------------------------------------------- series blocks (the ReadChunk codec)

/**
 * A SeriesBlock as received (decodeReadChunk, or proto-loader for Write, whose
 * Buffers are Uint8Arrays) or as a client sends it: every field present
 * (defaults filled in); `padding` is never read. `totalRows` (reads only; 0
 * or absent when not given) is the rows of the symbol's whole answer, set on
 * its first block.
 */
export type SeriesBlockMessage = Pick<SeriesBlockOutput, 'symbol' | 'last'> & WireBlock & Partial<Pick<SeriesBlockOutput, 'totalRows'>>;

/** A ReadChunk as decodeReadChunk gives it. */
export type ReadChunkMessage = Omit<ReadChunkOutput, 'fields' | 'blocks'> & { fields: readonly string[]; blocks: SeriesBlockMessage[] };

/** A WriteRequest as the shard and head receive it and a client sends it. */
export type WriteRequestMessage = Omit<WriteRequestOutput, 'blocks' | 'coverStartMs' | 'coverEndMs'> & {
  blocks: SeriesBlockMessage[];
  /** Absent or 0 (proto3 default) when the sender asks nothing (see WriteRequest.cover_start_ms). */
  coverStartMs?: number;
  coverEndMs?: number;
};

/**
 * A SeriesBlock as a Read handler writes it: the symbol's rows as
 * consecutive pieces (zero-copy views, columns in the chunk's field order),
 * which the Read serializer copies straight into the message, back to back.
 */
export interface OutgoingSeriesBlock {
  readonly symbol: string;
  readonly pieces: readonly SeriesFrame[];
  readonly last: boolean;
  /** Rows of the symbol's whole answer, given on its first block; 0 on the others. */
  readonly totalRows: number;
}

/** A ReadChunk as a Read handler writes it (see encodeReadChunk). */
export interface OutgoingReadChunk {
  readonly fields: readonly string[];
  readonly blocks: readonly OutgoingSeriesBlock[];
}
