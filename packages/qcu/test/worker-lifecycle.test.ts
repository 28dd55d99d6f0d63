import { describe, expect, it } from 'vitest';
import { QcuWorker, resolveQcuWorkerOptions } from '@florin/qcu';
import { momentumUnit } from '@florin/examples';

const base = { coordinator: '127.0.0.1:1', heads: ['127.0.0.1:2'], units: [momentumUnit] };

describe('QcuWorker lifecycle and options', () => {
  it('resolves documented defaults', () => {
    const config = resolveQcuWorkerOptions(base);
    expect(config).toMatchObject({ concurrency: 4, batchSize: 64, prefetch: 'auto', leaseMs: 30_000, heartbeatMs: 10_000, pollWaitMs: 20_000, drainDeadlineMs: 110_000, handBackLeaseMs: 100 });
    expect(config.workerId).toMatch(/^qcu-.+-\d+-[0-9a-f]{6}$/);
  });

  it.each([
    [{ concurrency: 0 }, /concurrency must be a positive integer, got 0/],
    [{ leaseMs: 100 }, /leaseMs must be at least 300 ms/],
    [{ prefetch: -1 }, /prefetch must be 'auto' or a non-negative integer, got -1/],
    [{ pollWaitMs: 120_000 }, /pollWaitMs must be at most 60000/],
    [{ heads: [] }, /heads must list at least one head node address/],
    [{ units: [momentumUnit, momentumUnit] }, /names momentum@1.0.0 twice/],
  ])('rejects %j', (override, message) => {
    expect(() => resolveQcuWorkerOptions({ ...base, ...override })).toThrow(message);
  });

  it('start() gives up with UNAVAILABLE when the coordinator stays unreachable, and the worker is stopped', async () => {
    const errors: string[] = [];
    const worker = new QcuWorker({ ...base, startTimeoutMs: 300, computeThreads: 0, onError: (_e, during) => errors.push(during) });
    expect(worker.state).toBe('created');
    await expect(worker.start()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await worker.close();
    expect(worker.state).toBe('stopped');
    expect(errors[0]).toMatch(/^RegisterUnits \(retrying in 100 ms\)/);
    await expect(worker.start()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('close() before start() stops the worker; close() is idempotent', async () => {
    const worker = new QcuWorker({ ...base, computeThreads: 0 });
    await Promise.all([worker.close(), worker.close(), worker.drain()]);
    expect(worker.state).toBe('stopped');
    await expect(worker.start()).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });
});
