import type { Client } from '@grpc/grpc-js';
import { SERVICES, invalidArgument, type ClientSecurity, type Limits } from '@florin/core';
import type { AddressSource, CallOptions } from '@florin/core';
import type {
  CompleteTasksRequestInput,
  TaskOutcomeInput,
  CompleteTasksResponseMessage,
  OutcomeAckMessage,
  HeartbeatRequestInput,
  HeartbeatResponseMessage,
  LeaseTasksRequestInput,
  LeaseTasksResponseMessage,
  RegisterUnitsRequestInput,
  RegisterUnitsResponseMessage,
} from '@florin/core';
import { ServiceChannel, type UnaryMethod } from '@florin/core';
import {
  lossReasonOf,
  taskFromMessage,
  type HeartbeatAnswer,
  type LeaseReport,
  type OutcomeAck,
  type LeasedTask,
  type TaskOutcome,
  type UnitDeclaration,
  type UnitRef,
} from './work-types.js';

export const WORK_SERVICE = SERVICES.work;

export interface WorkClientOptions {
  /** This worker's id (1-128 characters: letters, digits, _ . : - / @), sent with every call. */
  workerId: string;
  /** Channel limits and the default deadline (defaultDeadlineMs). Defaults: DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
  /** TLS and the bearer token; default none (plaintext). */
  security?: ClientSecurity;
}

export interface LeaseOptions extends CallOptions {
  /** Units this worker can run now. */
  units: readonly UnitRef[];
  /** 1..1000. */
  maxTasks: number;
  /** Lease length. Default: the coordinator's (30 s). */
  leaseMs?: number;
  /** Long poll: wait up to this long for a task (default 0, at most 60 s). The call deadline defaults to waitMs + 10 s. */
  waitMs?: number;
}

interface WorkServiceStub extends Client {
  RegisterUnits: UnaryMethod<RegisterUnitsRequestInput, RegisterUnitsResponseMessage>;
  LeaseTasks: UnaryMethod<LeaseTasksRequestInput, LeaseTasksResponseMessage>;
  Heartbeat: UnaryMethod<HeartbeatRequestInput, HeartbeatResponseMessage>;
  CompleteTasks: UnaryMethod<CompleteTasksRequestInput, CompleteTasksResponseMessage>;
}

const LEASE_DEADLINE_MARGIN_MS = 10_000;

/**
 * A QCU's client of the coordinator's florin.v1.WorkService: declare units,
 * lease tasks, keep leases alive, report outcomes. Errors reject as FlorinError.
 */
export class WorkClient {
  readonly workerId: string;
  private readonly channel: ServiceChannel<WorkServiceStub>;

  /** `address`: host:port, or an AddressSource (discovery) the client follows when the coordinator moves. */
  constructor(address: string | AddressSource, options: WorkClientOptions) {
    if (!options?.workerId) throw invalidArgument('WorkClient needs a workerId');
    this.workerId = options.workerId;
    this.channel = new ServiceChannel<WorkServiceStub>(WORK_SERVICE, 'WorkClient', address, options.limits, options.security);
  }

  get address(): string {
    return this.channel.address;
  }

  /** Declares (upserts) the units this worker hosts, each with its output (INVALID_ARGUMENT without one). */
  async registerUnits(units: readonly UnitDeclaration[], options?: CallOptions): Promise<{ units: UnitDeclaration[]; heartbeatIntervalMs: number }> {
    const request = {
      workerId: this.workerId,
      units: units.map((u) => ({
        name: u.name,
        version: u.version,
        paramsSchemaJson: JSON.stringify(u.paramsSchema ?? {}),
        hasFinal: u.hasFinal ?? false,
        description: u.description ?? '',
        output: u.output ? { dataset: u.output.dataset, fields: [...u.output.fields], frequency: u.output.frequency } : null,
      })),
    };
    const response = await this.channel.unary(this.channel.stub.RegisterUnits, request, options);
    return {
      units: response.units.map((u) => ({
        name: u.name,
        version: u.version,
        paramsSchema: JSON.parse(u.paramsSchemaJson || '{}') as UnitDeclaration['paramsSchema'],
        hasFinal: u.hasFinal,
        description: u.description,
        output: { dataset: u.output?.dataset ?? '', fields: u.output?.fields ?? [], frequency: u.output?.frequency ?? '' },
      })),
      heartbeatIntervalMs: response.heartbeatIntervalMs,
    };
  }

  /** Leases up to maxTasks tasks (FIFO by job, then task); [] when none came within waitMs. */
  async lease(options: LeaseOptions): Promise<LeasedTask[]> {
    return (await this.leaseCarrying(options, [])).tasks;
  }

  /**
   * Reports `outcomes` and leases in one call: the outcomes are recorded
   * first (durably, as by complete()) and the call does not long-poll.
   * `acks` is one per outcome, in order; undefined when the coordinator
   * predates outcomes on LeaseTasks (it ignored them: send them with complete()).
   */
  async leaseCarrying(options: LeaseOptions, outcomes: readonly TaskOutcome[]): Promise<{ tasks: LeasedTask[]; acks: OutcomeAck[] | undefined }> {
    const waitMs = options.waitMs ?? 0;
    const request = { workerId: this.workerId, maxTasks: options.maxTasks, leaseMs: options.leaseMs ?? 0, units: [...options.units], waitMs, outcomes: outcomes.map(outcomeMessage) };
    const callOptions: CallOptions = { deadlineMs: options.deadlineMs ?? waitMs + LEASE_DEADLINE_MARGIN_MS, signal: options.signal };
    const response = await this.channel.unary(this.channel.stub.LeaseTasks, request, callOptions);
    const acks = response.acks.length === outcomes.length && outcomes.length > 0 ? response.acks.map(ackFromMessage) : undefined;
    return { tasks: response.tasks.map(taskFromMessage), acks };
  }

  /** Extends the leases this worker still holds; `lost` lists the tasks to abort. */
  async heartbeat(leases: readonly LeaseReport[], options: CallOptions & { leaseMs?: number } = {}): Promise<HeartbeatAnswer> {
    const request = {
      workerId: this.workerId,
      leases: leases.map((l) => ({ taskId: l.taskId, attempt: l.attempt, progress: l.progress ?? 0, progressMessage: l.progressMessage ?? '' })),
      leaseMs: options.leaseMs ?? 0,
    };
    const response = await this.channel.unary(this.channel.stub.Heartbeat, request, options);
    return {
      extended: response.extended.map((e) => ({ taskId: e.taskId, attempt: e.attempt, leaseExpiresMs: e.leaseExpiresMs, grant: e.grant })),
      lost: response.lost.map((l) => ({ taskId: l.taskId, attempt: l.attempt, reason: lossReasonOf(l.reason) ?? 'lease_lost' })),
    };
  }

  /** Reports outcomes in one durable batch; one ack per outcome, in order. */
  async complete(outcomes: readonly TaskOutcome[], options?: CallOptions): Promise<OutcomeAck[]> {
    const request = { workerId: this.workerId, outcomes: outcomes.map(outcomeMessage) };
    const response = await this.channel.unary(this.channel.stub.CompleteTasks, request, options);
    return response.acks.map(ackFromMessage);
  }

  /**
   * Resolves once connected to the coordinator (e.g. after it restarted:
   * calls made while the channel backs off fail fast with UNAVAILABLE).
   * Rejects with UNAVAILABLE after timeoutMs (default 10,000).
   */
  waitForReady(timeoutMs = 10_000): Promise<void> {
    return this.channel.waitForReady(timeoutMs);
  }

  /** Closes the channel. Idempotent. */
  close(): void {
    this.channel.close();
  }
}

function ackFromMessage(a: OutcomeAckMessage): OutcomeAck {
  const ack: OutcomeAck = { taskId: a.taskId, attempt: a.attempt, accepted: a.accepted };
  const reason = lossReasonOf(a.reason);
  if (reason) ack.reason = reason;
  return ack;
}

function outcomeMessage(o: TaskOutcome): TaskOutcomeInput {
  if (o.ok) {
    const resultJson = o.result === undefined ? '' : JSON.stringify(o.result);
    if (resultJson === undefined) throw invalidArgument(`result of task ${o.taskId} is not JSON-serializable`);
    return { taskId: o.taskId, attempt: o.attempt, ok: true, resultJson, error: '', stack: '', retryable: false, log: [...(o.log ?? [])] };
  }
  return { taskId: o.taskId, attempt: o.attempt, ok: false, resultJson: '', error: o.error, stack: o.stack ?? '', retryable: o.retryable ?? true, log: [...(o.log ?? [])] };
}
