import {
  callerOf,
  invalidArgument,
  unaryHandler,
  type UnaryCallContext,
  type WorkServiceHandlers,
  lossReasonName,
  type CompleteTasksRequestMessage,
  type HeartbeatRequestMessage,
  type LeaseTasksRequestMessage,
  type RegisterUnitsRequestMessage,
  type TaskOutcomeMessage,
  type CallerIdentity,
} from '@florin/core';
import { heartbeatIntervalMs } from './coordinator-config.js';
import { publishChanges, type CoordinatorContext } from './coordinator-context.js';
import { validateUnitDefinition } from './unit-definition.js';
import { unitMessage } from './job-messages.js';
import { MAX_LEASE_TASKS, leaseProgress, resolveLeaseMs, validateLeases, validateOutcomes, validateUnitRefs, validateWorkerId } from './work-request.js';
import { coordinatorMetrics } from './coordinator-metrics.js';
import type { Wake } from './task-ready-signal.js';
import { parseTaskId } from './model.js';

/** A long poll answers this long before the caller's deadline, so the answer arrives in time. */
const DEADLINE_MARGIN_MS = 250;

async function registerUnits(ctx: CoordinatorContext, req: RegisterUnitsRequestMessage) {
  const workerId = validateWorkerId(req.workerId);
  if (req.units.length === 0) throw invalidArgument('units is empty: declare at least one unit');
  const units = req.units.map(validateUnitDefinition);
  const keys = new Set(units.map((u) => `${u.name}@${u.version}`));
  if (keys.size !== units.length) throw invalidArgument('units names the same unit name and version twice');
  const records = await ctx.store.registerUnits(workerId, units, Date.now());
  return { units: records.map(unitMessage), heartbeatIntervalMs: heartbeatIntervalMs(ctx.config) };
}

/**
 * Leases ready tasks; when there are none, waits (up to wait_ms, the call's
 * deadline, or shutdown) for a wake-up, the next due retry or lease expiry, or
 * the poll interval, and tries again. A wake-up is not lost: one that came
 * while the store was queried makes the wait return at once, and a poll that
 * ends (cancelled, shutdown) holding an unused wake-up passes it on.
 * Outcomes the request carries are recorded first (as CompleteTasks does);
 * such a request does not wait.
 */
async function leaseTasks(ctx: CoordinatorContext, req: LeaseTasksRequestMessage, call: UnaryCallContext) {
  const workerId = validateWorkerId(req.workerId);
  if (req.maxTasks < 1 || req.maxTasks > MAX_LEASE_TASKS) throw invalidArgument(`max_tasks must be 1..${MAX_LEASE_TASKS}, got ${req.maxTasks}`);
  const leaseMs = resolveLeaseMs(req.leaseMs, ctx.config);
  const units = validateUnitRefs(req.units);
  if (req.waitMs > ctx.config.maxWaitMs) throw invalidArgument(`wait_ms ${req.waitMs} is above ${ctx.config.maxWaitMs} (maxWaitMs)`);
  // Outcomes carried on the lease are recorded (durably) first; then the lease answers at once, so their acks come back promptly.
  const caller = callerOf(call.call.metadata);
  const acks = req.outcomes.length > 0 ? await recordOutcomes(ctx, workerId, req.outcomes, holderCheck(caller)) : [];
  const until = acks.length > 0 ? Date.now() : Math.min(Date.now() + req.waitMs, call.deadlineAt - DEADLINE_MARGIN_MS);
  const stop = new AbortController();
  const onCancel = (): void => stop.abort();
  call.signal.addEventListener('abort', onCancel, { once: true });
  ctx.shutdown.addEventListener('abort', onCancel, { once: true });
  const waiter = { units, maxTasks: req.maxTasks };
  /** The wake-up this poll holds and has not yet used for a query. */
  let wake: Wake | undefined;
  try {
    for (;;) {
      if (stop.signal.aborted || ctx.shutdown.aborted) {
        ctx.ready.pass(wake);
        return { tasks: [], acks };
      }
      const epoch = ctx.ready.epoch;
      const nowMs = Date.now();
      wake = undefined;
      const { tasks, changes } = await ctx.store.leaseTasks({
        workerId,
        units,
        maxTasks: req.maxTasks,
        leaseMs,
        nowMs,
        policy: ctx.config.policy,
        subject: caller?.subject ?? '',
      });
      publishChanges(ctx, changes);
      if (tasks.length > 0) {
        for (const t of tasks) ctx.activity.leased(t.taskId, t.attempt, nowMs);
        coordinatorMetrics.leases.add(tasks.length);
        if (ctx.grants && caller) await ctx.grants.grantLeased(caller.subject, tasks);
      }
      if (tasks.length > 0 || nowMs >= until) return { tasks, acks };
      const next = (await ctx.store.nextReadyMs(units)) ?? Infinity;
      const wakeAt = Math.min(until, next, Date.now() + ctx.config.leasePollMs);
      wake = await ctx.ready.wait(waiter, Math.max(1, wakeAt - Date.now()), epoch, stop.signal);
    }
  } finally {
    call.signal.removeEventListener('abort', onCancel);
    ctx.shutdown.removeEventListener('abort', onCancel);
  }
}

async function heartbeat(ctx: CoordinatorContext, req: HeartbeatRequestMessage, call: UnaryCallContext) {
  const workerId = validateWorkerId(req.workerId);
  const leases = validateLeases(req.leases);
  const leaseMs = resolveLeaseMs(req.leaseMs, ctx.config);
  const caller = callerOf(call.call.metadata);
  const result = await ctx.store.heartbeat(workerId, leases, leaseMs, Date.now(), holderCheck(caller));
  // Progress of the leases still held goes to Watch events (memory only; the next heartbeat repeats it).
  const held = new Set(result.extended.map((e) => `${e.taskId}#${e.attempt}`));
  const progressed = new Set<string>();
  for (const l of req.leases) {
    const progress = leaseProgress(l, ctx.config);
    const id = progress && held.has(`${l.taskId}#${l.attempt}`) ? parseTaskId(l.taskId) : undefined;
    if (!progress || !id) continue;
    ctx.activity.report(id.jobId, id.index, progress.fraction, progress.message);
    progressed.add(id.jobId);
  }
  if (progressed.size > 0) ctx.feed.publish(progressed);
  const grants = ctx.grants && caller && result.extended.length > 0 ? await ctx.grants.renew(caller.subject, result.extended) : undefined;
  const extended = grants ? result.extended.map((e, i) => ({ ...e, grant: grants[i]! })) : result.extended;
  return { extended, lost: result.lost.map((l) => ({ ...l, reason: lossReasonName(l.reason) })) };
}

/** Records outcomes (CompleteTasks, or those a LeaseTasks carries) in one durable transaction; one ack per outcome, in order. */
async function recordOutcomes(ctx: CoordinatorContext, workerId: string, messages: readonly TaskOutcomeMessage[], subject: string | undefined) {
  const outcomes = validateOutcomes(messages, ctx.config);
  const nowMs = Date.now();
  const { acks, changes } = await ctx.store.completeTasks(workerId, outcomes, nowMs, ctx.config.policy, subject);
  acks.forEach((ack, i) => {
    const id = ack.accepted && ack.reason === undefined ? parseTaskId(ack.taskId) : undefined;
    if (!id) return;
    const outcome = outcomes[i]!.ok ? 'success' : 'failure';
    coordinatorMetrics.outcomes.add(1, { 'florin.task.outcome': outcome });
    ctx.grants?.finished(ack.taskId, ack.attempt);
    const ms = ctx.activity.finished(ack.taskId, ack.attempt, id.jobId, id.index, nowMs);
    if (ms !== undefined) coordinatorMetrics.taskDuration.record(ms / 1000, { 'florin.task.outcome': outcome });
  });
  publishChanges(ctx, changes);
  return acks.map((a) => ({ ...a, reason: lossReasonName(a.reason) }));
}

async function completeTasks(ctx: CoordinatorContext, req: CompleteTasksRequestMessage, call: UnaryCallContext) {
  return { acks: await recordOutcomes(ctx, validateWorkerId(req.workerId), req.outcomes, holderCheck(callerOf(call.call.metadata))) };
}

/**
 * The identity whose leases a heartbeat or outcome may touch: the caller's subject (a lease is bound to the
 * identity that leased it); undefined checks nothing: plaintext (no identity) or admin (may complete any task).
 */
function holderCheck(caller: CallerIdentity | undefined): string | undefined {
  return caller && caller.role !== 'admin' ? caller.subject : undefined;
}

/** The florin.v1.WorkService implementation. */
export function workServiceHandlers(ctx: CoordinatorContext): WorkServiceHandlers {
  const options = { defaultDeadlineMs: ctx.config.limits.defaultDeadlineMs, onUnexpected: ctx.config.onBackgroundError };
  return {
    RegisterUnits: unaryHandler((req: RegisterUnitsRequestMessage) => registerUnits(ctx, req), options),
    LeaseTasks: unaryHandler((req: LeaseTasksRequestMessage, call) => leaseTasks(ctx, req, call), options),
    Heartbeat: unaryHandler((req: HeartbeatRequestMessage, call) => heartbeat(ctx, req, call), options),
    CompleteTasks: unaryHandler((req: CompleteTasksRequestMessage, call) => completeTasks(ctx, req, call), options),
  };
}
