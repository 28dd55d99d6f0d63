import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COORDINATOR_DEFAULTS, CoordinatorServer, openJobStore, resolveCoordinatorConfig } from '@florin/coordinator';
import { JobsClient } from '@florin/client';
import { WorkClient } from '@florin/qcu';
import { MOMENTUM, RANGE, UNITS } from '@florin/test-support';

describe('CoordinatorServer lifecycle', () => {
  it('goes created -> serving -> stopped; close() answers long polls, ends watches and is idempotent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'florin-coord-life-'));
    const store = await openJobStore(join(dir, 'jobs.db'));
    const server = new CoordinatorServer({ store });
    try {
      expect(server.state).toBe('created');
      const started = await server.start();
      const { address } = started;
      expect(await server.start()).toBe(started);
      expect(server.address).toBe(address);
      expect(server.state).toBe('serving');
      const work = new WorkClient(address, { workerId: 'qcu-1' });
      const jobs = new JobsClient(address);
      await work.registerUnits([MOMENTUM]);
      const handle = await jobs.submit({ unit: 'momentum', dataset: 'daily', symbols: ['AAA'], ...RANGE, params: { threshold: 1 } });
      await work.lease({ units: UNITS, maxTasks: 1 });
      const watching = (async () => {
        for await (const _ of handle.watch({ reconnectForMs: 0 })) void _;
      })().then(
        () => 'ended',
        (err: unknown) => err,
      );
      const polling = work.lease({ units: UNITS, maxTasks: 1, waitMs: 30_000 });
      await new Promise((r) => setTimeout(r, 200));
      const closingAt = Date.now();
      await Promise.all([server.close(5_000), server.close()]);
      expect(Date.now() - closingAt).toBeLessThan(2_000);
      expect(server.state).toBe('stopped');
      expect(await polling).toEqual([]);
      expect(await watching).toMatchObject({ code: 'UNAVAILABLE', message: 'the coordinator is shutting down; watch again' });
      work.close();
      jobs.close();
      jobs.close();
      await expect(jobs.get(handle.jobId)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
      // Accepted state outlives the server: the store still has the job.
      expect((await store.getJob(handle.jobId))?.progress).toMatchObject({ tasksTotal: 1, tasksRunning: 1 });
    } finally {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closes safely before start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'florin-coord-life-'));
    const store = await openJobStore(`sqlite:${join(dir, 'x.sqlite')}`);
    const server = new CoordinatorServer({ store });
    await server.close();
    expect(server.state).toBe('stopped');
    await expect(server.start()).rejects.toThrow('cannot start');
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('resolveCoordinatorConfig', () => {
  it('fills documented defaults and rejects invalid options precisely', () => {
    const config = resolveCoordinatorConfig();
    expect(config).toMatchObject(COORDINATOR_DEFAULTS);
    expect(config.policy).toEqual({ retryBaseMs: 1_000, retryMaxMs: 60_000, maxLeaseExpiries: 5, maxResultBytes: 1_048_576, maxFinalInputBytes: 33_554_432 });
    expect(() => resolveCoordinatorConfig({ defaultLeaseMs: 0 })).toThrow('defaultLeaseMs must be a positive integer, got 0');
    expect(() => resolveCoordinatorConfig({ retryBaseMs: 5_000, retryMaxMs: 1_000 })).toThrow('retryBaseMs (5000) must not exceed retryMaxMs (1000)');
    expect(() => resolveCoordinatorConfig({ minLeaseMs: 60_000 })).toThrow('minLeaseMs (60000) must not exceed defaultLeaseMs (30000)');
    expect(() => resolveCoordinatorConfig({ defaultTaskSize: 10_000 })).toThrow('maxSymbolsPerRequest');
    expect(() => resolveCoordinatorConfig({ maxFinalInputBytes: 128 * 1024 * 1024 })).toThrow('maxMessageBytes');
    expect(() => resolveCoordinatorConfig({ leaseMs: 5 } as never)).toThrow('unknown coordinator option "leaseMs"');
  });
});
