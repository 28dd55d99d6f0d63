import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobStore } from '@florin/coordinator';
import { FINAL_UNIT, LEGACY_UNIT_ROW, LEGACY_UNITS_TABLE, POLICY, RANK_OUTPUT, SIGNAL_OUTPUT, T0, UNIT, fail, lease, newJob, ok, type StoreBackend } from './job-store-fixtures.js';

/** The one contract every JobStore backend passes. */
export function jobStoreContract(name: string, backend: () => StoreBackend): void {
  describe(`JobStore contract: ${name}, over a database made before unit outputs`, () => {
    it('adds the output columns on open; old units read with an empty output until registered again', async () => {
      const b = backend();
      try {
        await b.raw([LEGACY_UNITS_TABLE, LEGACY_UNIT_ROW]);
        let store = await b.open();
        try {
          expect(await store.findUnit('momentum')).toMatchObject({
            version: '0.9.0',
            description: 'old',
            workerId: 'w-old',
            output: { dataset: '', fields: [], frequency: '' },
          });
          await store.registerUnits('w-new', [{ name: 'momentum', version: '0.9.0', paramsSchemaJson: '{}', hasFinal: false, description: 'old', output: SIGNAL_OUTPUT }], T0);
          await store.close();
          // Opening again finds the columns in place and changes nothing.
          store = await b.reopen();
          expect(await store.findUnit('momentum', '0.9.0')).toMatchObject({ output: SIGNAL_OUTPUT, workerId: 'w-new', registeredMs: 1_600_000_000_000 });
        } finally {
          await store.close();
        }
      } finally {
        await b.cleanup();
      }
    });
  });

  describe(`JobStore contract: ${name}`, () => {
    let b: StoreBackend;
    let store: JobStore;

    beforeEach(async () => {
      b = backend();
      store = await b.open();
      await store.registerUnits('w0', [
        { ...UNIT, paramsSchemaJson: '{"window":{"type":"integer"}}', hasFinal: false, description: 'm', output: SIGNAL_OUTPUT },
        { ...FINAL_UNIT, paramsSchemaJson: '{}', hasFinal: true, description: 'r', output: RANK_OUTPUT },
      ], T0);
    });
    afterEach(async () => {
      await store.close();
      await b.cleanup();
    });

    it('upserts units and finds an exact or the latest version', async () => {
      const newer = { dataset: 'momentum_v11', fields: ['momentum'], frequency: '1h' };
      await store.registerUnits('w1', [{ name: 'momentum', version: '1.1.0', paramsSchemaJson: '{}', hasFinal: true, description: 'new', output: newer }], T0 + 5);
      expect((await store.findUnit('momentum'))?.version).toBe('1.1.0');
      expect((await store.findUnit('momentum'))?.output).toEqual(newer);
      expect(await store.findUnit('momentum', '1.0.0')).toMatchObject({ paramsSchemaJson: '{"window":{"type":"integer"}}', output: SIGNAL_OUTPUT });
      const moved = { dataset: 'momentum_moved', fields: ['ret', 'momentum', 'extra'], frequency: '1d' };
      const [again] = await store.registerUnits('w2', [{ ...UNIT, paramsSchemaJson: '{}', hasFinal: true, description: 'changed', output: moved }], T0 + 9);
      expect(again).toMatchObject({ ...UNIT, paramsSchemaJson: '{}', hasFinal: true, description: 'changed', output: moved, workerId: 'w2', registeredMs: T0, updatedMs: T0 + 9 });
      // The output is stored with the unit: field order kept, replaced by a re-registration.
      expect((await store.findUnit('momentum', '1.0.0'))?.output).toEqual(moved);
      expect((await store.findUnit('momentum'))?.version).toBe('1.1.0');
      expect(await store.findUnit('nope')).toBeUndefined();
    });

    it('keeps the submit trace context, each outcome\'s log lines, the failed task\'s log, and counts the queue', async () => {
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const { job } = await store.createJob({ ...newJob(), traceparent });
      expect(job.traceparent).toBe(traceparent);
      expect(await store.queueStats()).toEqual({ tasksQueued: 3, tasksLeased: 0, jobs: { queued: 1, running: 0, succeeded: 0, failed: 0, cancelled: 0 } });
      const { tasks } = await lease(store, 'w', 2, T0);
      expect(tasks.map((t) => t.traceparent)).toEqual([traceparent, traceparent]);
      expect(await store.queueStats()).toEqual({ tasksQueued: 1, tasksLeased: 2, jobs: { queued: 0, running: 1, succeeded: 0, failed: 0, cancelled: 0 } });
      const line = (message: string, timeMs = T0) => ({ timeMs, message });
      await store.completeTasks('w', [{ ...ok(tasks[0]!.taskId, 1), log: [line('a'), line('é "quoted"', T0 + 1)] }], T0 + 2, POLICY);
      await store.completeTasks('w', [{ ...fail(tasks[1]!.taskId, 1, false, 'bad'), log: [line('last words')] }], T0 + 3, POLICY);
      expect(await store.taskLogs(job.jobId)).toEqual([
        { index: 0, final: false, attempt: 1, state: 'succeeded', lines: [line('a'), line('é "quoted"', T0 + 1)] },
        { index: 1, final: false, attempt: 1, state: 'failed', lines: [line('last words')] },
      ]);
      expect(await store.getJob(job.jobId)).toMatchObject({ state: 'failed', failedTaskIndex: 1, failureLog: [line('last words')], traceparent });
      expect(await store.taskLogs('job-nope')).toBeUndefined();
      expect(await store.queueStats()).toEqual({ tasksQueued: 0, tasksLeased: 0, jobs: { queued: 0, running: 0, succeeded: 0, failed: 1, cancelled: 0 } });
    });

    it('writes a job and its task slices in one step, and keeps idempotency keys unique', async () => {
      const { job, created } = await store.createJob(newJob({ idempotencyKey: 'k1' }));
      expect(created).toBe(true);
      expect(job).toMatchObject({ state: 'queued', symbolCount: 7, hasFinal: false, failedTaskIndex: -1, finishedMs: 0 });
      expect(job.progress).toEqual({ tasksTotal: 3, tasksQueued: 3, tasksRunning: 0, tasksSucceeded: 0, tasksFailed: 0, tasksCancelled: 0, retries: 0 });
      const again = await store.createJob(newJob({ idempotencyKey: 'k1', symbols: ['Z'] }));
      expect(again.created).toBe(false);
      expect(again.job.jobId).toBe(job.jobId);
      expect(again.job.progress.tasksTotal).toBe(3);
      const { tasks } = await lease(store, 'w', 10, T0);
      expect(tasks.map((t) => t.symbols)).toEqual([['A', 'B', 'C'], ['D', 'E', 'F'], ['G']]);
      expect(tasks.map((t) => t.taskId)).toEqual([0, 1, 2].map((i) => `${job.jobId}/${i}`));
    });

    it('leases in batches, FIFO by job then task, only for the units asked, attempt 1', async () => {
      const a = (await store.createJob(newJob())).job;
      const other = (await store.createJob(newJob({ unit: FINAL_UNIT.name, unitVersion: FINAL_UNIT.version }))).job;
      const b2 = (await store.createJob(newJob({ symbols: ['X', 'Y'], taskSize: 1 }))).job;
      const first = await lease(store, 'w1', 4, T0);
      expect(first.tasks.map((t) => t.taskId)).toEqual([`${a.jobId}/0`, `${a.jobId}/1`, `${a.jobId}/2`, `${b2.jobId}/0`]);
      expect(first.tasks.every((t) => t.attempt === 1 && t.leaseExpiresMs === T0 + 10_000 && !t.final)).toBe(true);
      expect(first.tasks[0]).toMatchObject({ unit: { name: UNIT.name, version: UNIT.version }, dataset: 'daily', paramsJson: '{"window":20}', outputDataset: 'signals', maxAttempts: 3 });
      expect(first.changes.jobIds.sort()).toEqual([a.jobId, b2.jobId].sort());
      expect((await store.getJob(a.jobId))?.state).toBe('running');
      const second = await lease(store, 'w2', 4, T0);
      expect(second.tasks.map((t) => t.taskId)).toEqual([`${b2.jobId}/1`]);
      expect((await lease(store, 'w3', 4, T0)).tasks).toEqual([]);
      expect((await store.getJob(other.jobId))?.state).toBe('queued');
      expect(await store.nextReadyMs([FINAL_UNIT])).toBe(T0);
      expect(await store.nextReadyMs([UNIT])).toBe(T0 + 10_000);
    });

    it('completes tasks, refuses stale or foreign attempts, and succeeds the job with exact counts', async () => {
      const { job } = await store.createJob(newJob());
      const { tasks } = await lease(store, 'w1', 10, T0);
      const [t0, t1, t2] = tasks as [typeof tasks[0], typeof tasks[0], typeof tasks[0]];
      const r = await store.completeTasks('w1', [ok(t0.taskId, 1), ok(t1.taskId, 2), ok('nope/0', 1), ok(t2.taskId, 1)], T0 + 1, POLICY);
      expect(r.acks.map((a) => [a.accepted, a.reason])).toEqual([[true, undefined], [false, 'lease_lost'], [false, 'unknown_task'], [true, undefined]]);
      expect((await store.completeTasks('w2', [ok(t1.taskId, 1)], T0 + 2, POLICY)).acks[0]).toMatchObject({ accepted: false, reason: 'lease_lost' });
      // A repeat of a recorded outcome (same attempt, same worker) is acknowledged again without change.
      expect((await store.completeTasks('w1', [ok(t0.taskId, 1, { n: 99 })], T0 + 3, POLICY)).acks[0]).toMatchObject({ accepted: true, reason: 'already_completed' });
      expect((await store.getJob(job.jobId))?.state).toBe('running');
      const last = await store.completeTasks('w1', [ok(t1.taskId, 1)], T0 + 4, POLICY);
      expect(last.changes.jobIds).toEqual([job.jobId]);
      const done = await store.getJob(job.jobId);
      expect(done).toMatchObject({ state: 'succeeded', finishedMs: T0 + 4, resultJson: '' });
      expect(done?.progress).toEqual({ tasksTotal: 3, tasksQueued: 0, tasksRunning: 0, tasksSucceeded: 3, tasksFailed: 0, tasksCancelled: 0, retries: 0 });
    });

    it('heartbeats extend held leases and report lost ones with the reason', async () => {
      await store.createJob(newJob());
      const { tasks } = await lease(store, 'w1', 2, T0);
      const hb = await store.heartbeat('w1', [{ taskId: tasks[0]!.taskId, attempt: 1 }, { taskId: tasks[1]!.taskId, attempt: 2 }, { taskId: 'x', attempt: 1 }], 5_000, T0 + 9_000);
      expect(hb.extended).toEqual([{ taskId: tasks[0]!.taskId, attempt: 1, leaseExpiresMs: T0 + 14_000 }]);
      expect(hb.lost).toEqual([
        { taskId: tasks[1]!.taskId, attempt: 2, reason: 'lease_lost' },
        { taskId: 'x', attempt: 1, reason: 'unknown_task' },
      ]);
      // task 1 expires at T0+10s, task 0 was extended to T0+14s.
      const swept = await store.requeueExpired(T0 + 12_000, POLICY);
      expect(swept.tasksReady).toBe(true);
      const hb2 = await store.heartbeat('w1', [{ taskId: tasks[0]!.taskId, attempt: 1 }, { taskId: tasks[1]!.taskId, attempt: 1 }], 5_000, T0 + 12_000);
      expect(hb2.extended.map((e) => e.taskId)).toEqual([tasks[0]!.taskId]);
      expect(hb2.lost).toEqual([{ taskId: tasks[1]!.taskId, attempt: 1, reason: 'lease_lost' }]);
    });

    it('requeues expired leases (sweep and lazily at lease time) and fences the old attempt', async () => {
      const { job } = await store.createJob(newJob({ symbols: ['A'], taskSize: 1 }));
      const [t] = (await lease(store, 'w1', 1, T0)).tasks;
      expect((await lease(store, 'w2', 1, T0 + 9_999)).tasks).toEqual([]);
      const [again] = (await lease(store, 'w2', 1, T0 + 10_000)).tasks;
      expect(again).toMatchObject({ taskId: t!.taskId, attempt: 2 });
      expect((await store.completeTasks('w1', [ok(t!.taskId, 1)], T0 + 10_001, POLICY)).acks[0]).toMatchObject({ accepted: false, reason: 'lease_lost' });
      expect((await store.completeTasks('w2', [ok(t!.taskId, 2, { v: 2 })], T0 + 10_002, POLICY)).acks[0]?.accepted).toBe(true);
      const done = await store.getJob(job.jobId);
      expect(done).toMatchObject({ state: 'succeeded' });
      expect(done?.progress).toMatchObject({ tasksTotal: 1, tasksSucceeded: 1, retries: 1 });
    });

    it('fails the job when a task loses its lease maxLeaseExpiries times', async () => {
      const { job } = await store.createJob(newJob({ symbols: ['A', 'B'], taskSize: 1 }));
      let now = T0;
      for (let i = 0; i < POLICY.maxLeaseExpiries; i++) {
        await lease(store, 'w', 1, now);
        now += 10_000;
        await store.requeueExpired(now, POLICY);
      }
      const failed = await store.getJob(job.jobId);
      expect(failed).toMatchObject({ state: 'failed', failedTaskIndex: 0 });
      expect(failed?.error).toContain('lost its lease 3 times');
      expect(failed?.progress).toMatchObject({ tasksFailed: 1, tasksCancelled: 1, retries: 2 });
    });

    it('retries with exponential backoff, then fails the job with the unit error and stack', async () => {
      const { job } = await store.createJob(newJob({ symbols: ['A', 'B'], taskSize: 1, maxAttempts: 3 }));
      const [t0, t1] = (await lease(store, 'w', 2, T0)).tasks;
      const r1 = await store.completeTasks('w', [fail(t0!.taskId, 1, true, 'flaky 1')], T0, POLICY);
      expect(r1.changes.tasksReady).toBe(true);
      expect(await store.nextReadyMs([UNIT])).toBe(T0 + 1_000);
      expect((await lease(store, 'w', 5, T0 + 999)).tasks).toEqual([]);
      const [retry1] = (await lease(store, 'w', 5, T0 + 1_000)).tasks;
      expect(retry1).toMatchObject({ taskId: t0!.taskId, attempt: 2 });
      await store.completeTasks('w', [fail(t0!.taskId, 2, true, 'flaky 2')], T0 + 1_000, POLICY);
      expect((await lease(store, 'w', 5, T0 + 2_999)).tasks).toEqual([]);
      const [retry2] = (await lease(store, 'w', 5, T0 + 3_000)).tasks;
      expect(retry2).toMatchObject({ attempt: 3 });
      expect((await store.getJob(job.jobId))?.progress.retries).toBe(2);
      await store.completeTasks('w', [fail(t0!.taskId, 3, true, 'flaky 3')], T0 + 3_000, POLICY);
      const failed = await store.getJob(job.jobId);
      expect(failed).toMatchObject({ state: 'failed', error: 'flaky 3', errorStack: 'Error: flaky 3\n    at unit.ts:1:1', failedTaskIndex: 0 });
      expect(failed?.progress).toMatchObject({ tasksFailed: 1, tasksCancelled: 1, retries: 2 });
      expect((await store.completeTasks('w', [ok(t1!.taskId, 1)], T0 + 3_001, POLICY)).acks[0]).toMatchObject({ accepted: false, reason: 'job_failed' });
      expect((await store.heartbeat('w', [{ taskId: t1!.taskId, attempt: 1 }], 1_000, T0 + 3_002)).lost[0]?.reason).toBe('job_failed');
    });

    it('fails the job at once on a non-retryable error or an oversized result', async () => {
      const a = (await store.createJob(newJob({ symbols: ['A'], taskSize: 1 }))).job;
      const b2 = (await store.createJob(newJob({ symbols: ['B'], taskSize: 1 }))).job;
      const [ta, tb] = (await lease(store, 'w', 2, T0)).tasks;
      await store.completeTasks('w', [fail(ta!.taskId, 1, false, 'bad input'), ok(tb!.taskId, 1, 'x'.repeat(2_000))], T0, POLICY);
      expect(await store.getJob(a.jobId)).toMatchObject({ state: 'failed', error: 'bad input' });
      const big = await store.getJob(b2.jobId);
      expect(big?.state).toBe('failed');
      expect(big?.error).toContain('maxResultBytes');
    });

    it('in one batch, successes before a job-failing outcome stand and later ones are refused', async () => {
      const { job } = await store.createJob(newJob({ symbols: ['A', 'B', 'C', 'D', 'E'], taskSize: 1, hasFinal: true }));
      const { tasks } = await lease(store, 'w', 4, T0);
      const [t0, t1, t2, t3] = tasks as [typeof tasks[0], typeof tasks[0], typeof tasks[0], typeof tasks[0]];
      const r = await store.completeTasks('w', [ok(t1.taskId, 1, { n: 1 }), ok(t0.taskId, 1, [0.1, 'zero']), fail(t2.taskId, 1, false, 'bad'), ok(t3.taskId, 1)], T0 + 1, POLICY);
      expect(r.acks.map((a) => [a.taskId, a.accepted, a.reason])).toEqual([
        [t1.taskId, true, undefined],
        [t0.taskId, true, undefined],
        [t2.taskId, true, undefined],
        [t3.taskId, false, 'job_failed'],
      ]);
      const failed = await store.getJob(job.jobId);
      expect(failed).toMatchObject({ state: 'failed', error: 'bad', failedTaskIndex: 2 });
      expect(failed?.progress).toMatchObject({ tasksTotal: 5, tasksSucceeded: 2, tasksFailed: 1, tasksCancelled: 2 });
    });

    it('records each success with its own result (batched writes keep them apart)', async () => {
      await store.createJob(newJob({ symbols: ['A', 'B', 'C'], taskSize: 1, hasFinal: true, unit: FINAL_UNIT.name, unitVersion: FINAL_UNIT.version }));
      const { tasks } = await lease(store, 'w', 3, T0, [FINAL_UNIT]);
      const results = [{ n: 0, s: 'a' }, null, [1.5, -0]];
      await store.completeTasks('w', [2, 0, 1].map((i) => ok(tasks[i]!.taskId, 1, results[i])), T0 + 1, POLICY);
      const [final] = (await lease(store, 'w', 1, T0 + 2, [FINAL_UNIT])).tasks;
      expect(final?.parts).toEqual(results.map((r, index) => ({ index, resultJson: JSON.stringify(r) })));
    });

    it('cancels: queued tasks cancelled, leased ones reported lost, completions refused, idempotent', async () => {
      const { job } = await store.createJob(newJob());
      const [t0] = (await lease(store, 'w', 1, T0)).tasks;
      const { job: cancelled, changes } = await store.cancelJob(job.jobId, T0 + 5);
      expect(changes.jobIds).toEqual([job.jobId]);
      expect(cancelled).toMatchObject({ state: 'cancelled', finishedMs: T0 + 5 });
      expect(cancelled?.progress).toMatchObject({ tasksTotal: 3, tasksCancelled: 3 });
      expect((await store.heartbeat('w', [{ taskId: t0!.taskId, attempt: 1 }], 1_000, T0 + 6)).lost).toEqual([{ taskId: t0!.taskId, attempt: 1, reason: 'job_cancelled' }]);
      expect((await store.completeTasks('w', [ok(t0!.taskId, 1)], T0 + 7, POLICY)).acks[0]).toMatchObject({ accepted: false, reason: 'job_cancelled' });
      expect((await lease(store, 'w', 10, T0 + 8)).tasks).toEqual([]);
      const twice = await store.cancelJob(job.jobId, T0 + 9);
      expect(twice.changes.jobIds).toEqual([]);
      expect(twice.job?.finishedMs).toBe(T0 + 5);
      expect((await store.cancelJob('nope', T0)).job).toBeUndefined();
    });

    it('runs the final task once, after every regular task, with their results; its result is the job result', async () => {
      const { job } = await store.createJob(newJob({ unit: FINAL_UNIT.name, unitVersion: FINAL_UNIT.version, hasFinal: true, symbols: ['A', 'B', 'C'], taskSize: 2 }));
      const units = [FINAL_UNIT];
      const regular = (await lease(store, 'w', 10, T0, units)).tasks;
      expect(regular).toHaveLength(2);
      const first = await store.completeTasks('w', [ok(regular[1]!.taskId, 1, { part: 1 })], T0, POLICY);
      expect(first.changes.tasksReady).toBe(false);
      expect((await lease(store, 'w', 10, T0, units)).tasks).toEqual([]);
      const second = await store.completeTasks('w', [ok(regular[0]!.taskId, 1, { part: 0 })], T0 + 1, POLICY);
      expect(second.changes.tasksReady).toBe(true);
      expect((await store.getJob(job.jobId))?.progress).toMatchObject({ tasksTotal: 3, tasksSucceeded: 2, tasksQueued: 1 });
      const [final] = (await lease(store, 'w', 10, T0 + 2, units)).tasks;
      expect(final).toMatchObject({ taskId: `${job.jobId}/2`, final: true, index: 2, attempt: 1, symbols: ['A', 'B', 'C'] });
      expect(final?.parts).toEqual([{ index: 0, resultJson: '{"part":0}' }, { index: 1, resultJson: '{"part":1}' }]);
      await store.completeTasks('w', [ok(final!.taskId, 1, { ranked: ['B', 'A'] })], T0 + 3, POLICY);
      const done = await store.getJob(job.jobId);
      expect(done).toMatchObject({ state: 'succeeded', resultJson: '{"ranked":["B","A"]}' });
      expect(done?.progress).toMatchObject({ tasksTotal: 3, tasksSucceeded: 3 });
      expect((await lease(store, 'w', 10, T0 + 4, units)).tasks).toEqual([]);
    });

    it('lists newest first, filtered by state and unit, without universes', async () => {
      const a = (await store.createJob(newJob())).job;
      const b2 = (await store.createJob(newJob({ unit: FINAL_UNIT.name, unitVersion: FINAL_UNIT.version }))).job;
      await store.cancelJob(a.jobId, T0);
      const all = await store.listJobs({ limit: 10, omitSymbols: true });
      expect(all.map((j) => j.jobId)).toEqual([b2.jobId, a.jobId]);
      expect(all[0]).toMatchObject({ symbolCount: 7, spec: { symbols: [] } });
      expect((await store.listJobs({ limit: 10, states: ['cancelled'] })).map((j) => j.jobId)).toEqual([a.jobId]);
      expect((await store.listJobs({ limit: 10, unit: FINAL_UNIT.name })).map((j) => j.jobId)).toEqual([b2.jobId]);
      expect(await store.listJobs({ limit: 1 })).toHaveLength(1);
    });

    it('records each job\'s owner and lists by owner', async () => {
      const alice = (await store.createJob({ ...newJob(), owner: 'alice' })).job;
      const bob = (await store.createJob({ ...newJob({ outputDataset: 'bob_signals' }), owner: 'bob' })).job;
      const alice2 = (await store.createJob({ ...newJob(), owner: 'alice' })).job;
      expect([alice.owner, bob.owner]).toEqual(['alice', 'bob']);
      expect((await store.getJob(bob.jobId))?.owner).toBe('bob');
      expect((await store.listJobs({ limit: 10, owner: 'alice' })).map((j) => j.jobId)).toEqual([alice2.jobId, alice.jobId]);
      expect((await store.listJobs({ limit: 10, owner: 'bob', updatedSinceMs: 1 })).map((j) => [j.jobId, j.owner])).toEqual([[bob.jobId, 'bob']]);
      expect(await store.listJobs({ limit: 10, owner: 'carol' })).toEqual([]);
      expect((await store.listJobs({ limit: 10 })).map((j) => j.owner)).toEqual(['alice', 'bob', 'alice']);
    });

    it("refuses a job whose output dataset another owner's unfinished job writes; the same owner, or after it ends, may", async () => {
      const first = (await store.createJob({ ...newJob(), owner: 'alice' })).job;
      const same = await store.createJob({ ...newJob({ symbols: ['X'] }), owner: 'alice' });
      expect(same.created).toBe(true);
      await expect(store.createJob({ ...newJob(), owner: 'bob' })).rejects.toMatchObject({
        code: 'FAILED_PRECONDITION',
        message: `output dataset signals is being written by job ${first.jobId} of "alice" (queued); jobs of different owners may not write one output dataset at the same time: name another spec.output_dataset, or wait for that job to finish`,
      });
      expect((await store.listJobs({ limit: 10, owner: 'bob' })).length).toBe(0);
      expect((await store.createJob({ ...newJob({ outputDataset: 'bob_signals' }), owner: 'bob' })).created).toBe(true);
      await store.cancelJob(first.jobId, T0 + 1);
      await expect(store.createJob({ ...newJob(), owner: 'bob' })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining(same.job.jobId) });
      await store.cancelJob(same.job.jobId, T0 + 1);
      expect((await store.createJob({ ...newJob(), owner: 'bob' })).created).toBe(true);
      // Without identities (plaintext) every owner is '': nothing is refused.
      expect((await store.createJob(newJob())).created).toBe(true);
    });

    it('binds a lease to the identity that leased it: another subject may not heartbeat or complete it, and nothing changes', async () => {
      await store.createJob(newJob());
      const [t] = (await store.leaseTasks({ workerId: 'w', units: [UNIT], maxTasks: 1, leaseMs: 10_000, nowMs: T0, policy: POLICY, subject: 'qcu-0' })).tasks;
      const denied = (action: string) => ({
        code: 'PERMISSION_DENIED',
        message: `task ${t!.taskId} attempt 1 was leased by "qcu-0"; "qcu-1" may ${action} only the tasks it leased itself`,
      });
      await expect(store.heartbeat('w', [{ taskId: t!.taskId, attempt: 1 }], 10_000, T0 + 1, 'qcu-1')).rejects.toMatchObject(denied('heartbeat'));
      await expect(store.completeTasks('w', [ok(t!.taskId, 1)], T0 + 1, POLICY, 'qcu-1')).rejects.toMatchObject(denied('complete'));
      const [row] = (await store.listTasks(t!.jobId, { limit: 1 }))!;
      expect({ state: row!.state, attempts: row!.attempts }).toEqual({ state: 'leased', attempts: 1 });
      // The holder, and a caller checked by no identity (plaintext, admin), may.
      expect((await store.heartbeat('w', [{ taskId: t!.taskId, attempt: 1 }], 10_000, T0 + 2, 'qcu-0')).extended).toHaveLength(1);
      expect((await store.heartbeat('w', [{ taskId: t!.taskId, attempt: 1 }], 10_000, T0 + 3)).extended).toHaveLength(1);
      expect((await store.completeTasks('w', [ok(t!.taskId, 1)], T0 + 4, POLICY, 'qcu-0')).acks[0]?.accepted).toBe(true);
    });

    it('keeps every acknowledged change across a reopen (a restart on the same database)', async () => {
      const { job } = await store.createJob(newJob({ idempotencyKey: 'durable' }));
      const [t0, t1] = (await lease(store, 'w', 2, T0)).tasks;
      await store.completeTasks('w', [ok(t0!.taskId, 1, { kept: true })], T0 + 1, POLICY);
      await store.close();
      store = await b.reopen();
      const reread = await store.getJob(job.jobId);
      expect(reread?.progress).toMatchObject({ tasksTotal: 3, tasksSucceeded: 1, tasksRunning: 1, tasksQueued: 1 });
      // The lease in flight is still valid: its QCU completes it after the restart.
      expect((await store.completeTasks('w', [ok(t1!.taskId, 1)], T0 + 2, POLICY)).acks[0]?.accepted).toBe(true);
      expect((await store.createJob(newJob({ idempotencyKey: 'durable' }))).created).toBe(false);
      expect(await store.findUnit(UNIT.name, UNIT.version)).toMatchObject({ description: 'm', output: SIGNAL_OUTPUT });
      expect((await store.getJob(job.jobId))?.spec.outputDataset).toBe('signals');
    });
  });
}
