import type { GrantIssuer } from '@florin/core';
import type { LeasedTask } from './model.js';
import type { JobStore, TaskWriteScope } from './store/job-store.js';
import { byJob } from './store/lease-ops.js';

/** Leases whose write scope is remembered (beyond it the store answers). */
const MAX_REMEMBERED = 200_000;

/**
 * Write scopes of open leases, oldest dropped first past MAX_REMEMBERED. A Map, not lru-cache: an
 * lru-cache with `max` 200,000 resets its preallocated arrays whenever its last entry is deleted, and a
 * coordinator with one lease open empties it on every outcome: 493 us of CPU per set/has/delete against
 * 0.49 us for a Map (20,000 rounds in one process), 7% of the coordinator's profile in bench:security's
 * dispatch at one task in flight. Entries leave when their attempt finishes; the bound is for leases that
 * never report.
 */
class ScopeMemory {
  private readonly scopes = new Map<string, TaskWriteScope>();
  has(key: string): boolean {
    return this.scopes.has(key);
  }
  get(key: string): TaskWriteScope | undefined {
    return this.scopes.get(key);
  }
  set(key: string, scope: TaskWriteScope): void {
    this.scopes.delete(key);
    this.scopes.set(key, scope);
    if (this.scopes.size > MAX_REMEMBERED) this.scopes.delete(this.scopes.keys().next().value!);
  }
  delete(key: string): void {
    this.scopes.delete(key);
  }
}

/**
 * Signs the write grants of leases: one grant per job per LeaseTasks answer
 * (covering that answer's tasks of the job: their symbols, the job's output
 * dataset, until the lease expires), and on each Heartbeat one renewed grant
 * per job for the leases it extended, valid until their new expiry. A grant
 * names the identity that leased (token sub or certificate CN), so heads and
 * shards refuse it from anyone else. Scopes of leases this process handed out
 * are kept in memory; a lease it has not seen (a restarted coordinator, or
 * another one on the same PostgreSQL schema) is looked up in the store.
 */
export class LeaseGrants {
  private readonly scopes = new ScopeMemory();

  constructor(
    private readonly issuer: GrantIssuer,
    private readonly store: JobStore,
  ) {}

  /** Sets `grant` on each leased task (one signature per job). */
  async grantLeased(subject: string, tasks: LeasedTask[]): Promise<void> {
    for (const [jobId, list] of byJob(tasks, (t) => t.jobId)) {
      const symbols = new Set<string>();
      for (const t of list) {
        for (const s of t.symbols) symbols.add(s);
        this.scopes.set(leaseKey(t.taskId, t.attempt), { jobId, dataset: t.outputDataset, symbols: t.symbols });
      }
      const grant = this.issuer.sign({ subject, jobId, dataset: list[0]!.outputDataset, symbols: [...symbols], expiresAt: list[0]!.leaseExpiresMs });
      for (const t of list) t.grant = grant;
    }
  }

  /** Renewed grants for extended leases (one signature per job), in the order of `extended`. */
  async renew(subject: string, extended: readonly { taskId: string; attempt: number; leaseExpiresMs: number }[]): Promise<string[]> {
    const unknown = extended.filter((e) => !this.scopes.has(leaseKey(e.taskId, e.attempt)));
    if (unknown.length > 0) {
      const found = await this.store.writeScopes(unknown.map((e) => e.taskId));
      for (const e of unknown) {
        const scope = found.get(e.taskId);
        if (scope) this.scopes.set(leaseKey(e.taskId, e.attempt), scope);
      }
    }
    const grants = new Array<string>(extended.length).fill('');
    const withScope = extended.flatMap((e, i) => {
      const scope = this.scopes.get(leaseKey(e.taskId, e.attempt));
      return scope ? [{ i, scope, expiresAt: e.leaseExpiresMs }] : [];
    });
    for (const [jobId, list] of byJob(withScope, (x) => x.scope.jobId)) {
      const symbols = new Set<string>();
      for (const x of list) for (const s of x.scope.symbols) symbols.add(s);
      const expiresAt = Math.max(...list.map((x) => x.expiresAt));
      const grant = this.issuer.sign({ subject, jobId, dataset: list[0]!.scope.dataset, symbols: [...symbols], expiresAt });
      for (const x of list) grants[x.i] = grant;
    }
    return grants;
  }

  /** Forgets a finished attempt. */
  finished(taskId: string, attempt: number): void {
    this.scopes.delete(leaseKey(taskId, attempt));
  }
}

function leaseKey(taskId: string, attempt: number): string {
  return `${taskId}#${attempt}`;
}
