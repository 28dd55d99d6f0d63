import type { ServerUnaryCall } from '@grpc/grpc-js';
import { callDeadline, invalidArgument } from '@florin/core';
import { heartbeatIntervalMs } from './coordinator-config.js';
import { publishChanges, type CoordinatorContext } from './coordinator-context.js';
import { unaryHandler } from './grpc-handlers.js';
import { validateUnitDefinition } from './unit-definition.js';
import {
  lossReasonName,
  unitMessage,
  type CompleteTasksRequestMessage,
  type HeartbeatRequestMessage,
  type LeaseTasksRequestMessage,
  type RegisterUnitsRequestMessage,
} from './wire.js';
import { MAX_LEASE_TASKS, resolveLeaseMs, validateLeases, validateOutcomes, validateUnitRefs, validateWorkerId } from './work-request.js';

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
 * the poll interval, and tries again.
 */
async function leaseTasks(ctx: CoordinatorContext, req: LeaseTasksRequestMessage, call: ServerUnaryCall<unknown, unknown>) {
  const workerId = validateWorkerId(req.workerId);
  if (req.maxTasks < 1 || req.maxTasks > MAX_LEASE_TASKS) throw invalidArgument(`max_tasks must be 1..${MAX_LEASE_TASKS}, got ${req.maxTasks}`);
  const leaseMs = resolveLeaseMs(req.leaseMs, ctx.config);
  const units = validateUnitRefs(req.units);
  if (req.waitMs > ctx.config.maxWaitMs) throw invalidArgument(`wait_ms ${req.waitMs} is above ${ctx.config.maxWaitMs} (maxWaitMs)`);
  const until = Math.min(Date.now() + req.waitMs, callDeadline(call, ctx.config.limits.defaultDeadlineMs) - DEADLINE_MARGIN_MS);
  const stop = new AbortController();
  const onCancel = (): void => stop.abort();
  call.on('cancelled', onCancel);
  ctx.shutdown.addEventListener('abort', onCancel, { once: true });
  try {
    for (;;) {
      if (stop.signal.aborted || ctx.shutdown.aborted) return { tasks: [] };
      const nowMs = Date.now();
      const { tasks, changes } = await ctx.store.leaseTasks({ workerId, units, maxTasks: req.maxTasks, leaseMs, nowMs, policy: ctx.config.policy });
      publishChanges(ctx, changes);
      if (tasks.length > 0 || nowMs >= until) return { tasks };
      const next = (await ctx.store.nextReadyMs(units)) ?? Infinity;
      const wakeAt = Math.min(until, next, Date.now() + ctx.config.leasePollMs);
      await ctx.ready.wait(Math.max(1, wakeAt - Date.now()), stop.signal);
    }
  } finally {
    call.removeListener('cancelled', onCancel);
    ctx.shutdown.removeEventListener('abort', onCancel);
  }
}

async function heartbeat(ctx: CoordinatorContext, req: HeartbeatRequestMessage) {
  const workerId = validateWorkerId(req.workerId);
  const leases = validateLeases(req.leases);
  const leaseMs = resolveLeaseMs(req.leaseMs, ctx.config);
  const result = await ctx.store.heartbeat(workerId, leases, leaseMs, Date.now());
  return { extended: result.extended, lost: result.lost.map((l) => ({ ...l, reason: lossReasonName(l.reason) })) };
}

async function completeTasks(ctx: CoordinatorContext, req: CompleteTasksRequestMessage) {
  const workerId = validateWorkerId(req.workerId);
  const outcomes = validateOutcomes(req.outcomes);
  const { acks, changes } = await ctx.store.completeTasks(workerId, outcomes, Date.now(), ctx.config.policy);
  publishChanges(ctx, changes);
  return { acks: acks.map((a) => ({ ...a, reason: lossReasonName(a.reason) })) };
}

/** The florin.v1.WorkService implementation. */
export function workServiceHandlers(ctx: CoordinatorContext) {
  const onUnexpected = ctx.config.onBackgroundError;
  return {
    RegisterUnits: unaryHandler((req: RegisterUnitsRequestMessage) => registerUnits(ctx, req), onUnexpected),
    LeaseTasks: unaryHandler((req: LeaseTasksRequestMessage, call) => leaseTasks(ctx, req, call), onUnexpected),
    Heartbeat: unaryHandler((req: HeartbeatRequestMessage) => heartbeat(ctx, req), onUnexpected),
    CompleteTasks: unaryHandler((req: CompleteTasksRequestMessage) => completeTasks(ctx, req), onUnexpected),
  };
}
