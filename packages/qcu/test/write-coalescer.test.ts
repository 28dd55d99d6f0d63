import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlorinError, framesBitEqual, type SeriesFrame } from '@florin/core';
import type { WriteOptions } from '@florin/client';
import { Publisher, WriteCoalescer } from '@florin/qcu';
import { startQcuCluster as startCluster, type QcuCluster } from '@florin/test-support';
import { DAY_MS, utc } from '@florin/test-support';

const FIELDS = ['a', 'b'];
const DATASET = 'coalesced';
const RANGE = { start: utc(2000), end: utc(2010) };

let cluster: QcuCluster;

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.data.createDataset({ name: DATASET, fields: FIELDS, frequency: '1d' });
});
afterAll(() => cluster?.close());

/** One write as it left the coalescer for the head nodes. */
interface SentWrite {
  symbols: string[];
  jobId: string | undefined;
}

/** The cluster's DataClient, with every write it is asked for written down (the writes really happen). */
function recordingPort(): { port: { write: typeof cluster.data.write }; sent: SentWrite[] } {
  const sent: SentWrite[] = [];
  return {
    sent,
    port: {
      write(dataset: string, fields: readonly string[], frames: readonly SeriesFrame[], options?: WriteOptions) {
        sent.push({ symbols: frames.map((f) => f.symbol), jobId: options?.jobId });
        return cluster.data.write(dataset, fields, frames, options);
      },
    },
  };
}

/** `n` daily rows of `symbol` from 2000, values derived from `seed`. */
function frame(symbol: string, n: number, seed: number): SeriesFrame {
  const timestamps = Float64Array.from({ length: n }, (_, i) => utc(2000) + i * DAY_MS);
  return { symbol, fields: FIELDS, timestamps, columns: [timestamps.map((_, i) => seed + i / 3), timestamps.map((_, i) => seed * 2 - i / 7)] };
}

async function readBack(symbols: string[]): Promise<SeriesFrame[]> {
  return cluster.data.read({ dataset: DATASET, symbols, fields: FIELDS, range: RANGE });
}

describe('WriteCoalescer', () => {
  it('sends the first write at once and merges the writes that arrive while it is in flight into one', async () => {
    const { port, sent } = recordingPort();
    const writes = new WriteCoalescer(port);
    const parts = [['M1'], ['M2', 'M3'], ['M4'], ['M5', 'M6']].map((symbols, k) => symbols.map((s, i) => frame(s, 100 + 10 * k + i, k * 10 + i)));
    const rows = await Promise.all(parts.map((frames) => writes.write(DATASET, FIELDS, frames, { jobId: 'job-a' })));
    // Each caller learns its own rows.
    expect(rows).toEqual(parts.map((frames) => frames.reduce((n, f) => n + f.timestamps.length, 0)));
    expect(sent).toEqual([
      { symbols: ['M1'], jobId: 'job-a' },
      { symbols: ['M2', 'M3', 'M4', 'M5', 'M6'], jobId: 'job-a' },
    ]);
    const back = await readBack(['M1', 'M2', 'M3', 'M4', 'M5', 'M6']);
    back.forEach((f, i) => expect(framesBitEqual(f, parts.flat()[i]!), f.symbol).toBe(true));
    writes.close();
  });

  it("never merges two jobs' rows (a write records one job id), and keeps the order of two writes of one symbol", async () => {
    const { port, sent } = recordingPort();
    const writes = new WriteCoalescer(port);
    const first = frame('J1', 50, 1);
    const second = frame('J1', 50, 2);
    await Promise.all([
      writes.write(DATASET, FIELDS, [frame('J0', 50, 0)], { jobId: 'job-x' }),
      writes.write(DATASET, FIELDS, [first], { jobId: 'job-x' }),
      writes.write(DATASET, FIELDS, [frame('J2', 50, 0)], { jobId: 'job-y' }),
      writes.write(DATASET, FIELDS, [second], { jobId: 'job-x' }),
      writes.write(DATASET, FIELDS, [frame('J3', 50, 0)], { jobId: 'job-x' }),
    ]);
    expect(sent.filter((w) => w.jobId === 'job-y')).toEqual([{ symbols: ['J2'], jobId: 'job-y' }]);
    // J1 twice cannot share a write: the second starts the next batch, which goes after the first.
    expect(sent.filter((w) => w.jobId === 'job-x').map((w) => w.symbols)).toEqual([['J0'], ['J1'], ['J1', 'J3']]);
    const [j1] = await readBack(['J1']);
    expect(framesBitEqual(j1!, second)).toBe(true);
    writes.close();
  });

  it('drops the rows of a caller that aborts before they are sent, and writes the rest', async () => {
    const { port, sent } = recordingPort();
    const writes = new WriteCoalescer(port);
    const aborted = new AbortController();
    const inFlight = writes.write(DATASET, FIELDS, [frame('A0', 20, 0)], { jobId: 'job-b' });
    const dropped = writes.write(DATASET, FIELDS, [frame('A1', 20, 0)], { jobId: 'job-b', signal: aborted.signal });
    const kept = writes.write(DATASET, FIELDS, [frame('A2', 20, 0)], { jobId: 'job-b' });
    aborted.abort(new FlorinError('CANCELLED', 'task cancelled'));
    await expect(dropped).rejects.toMatchObject({ code: 'CANCELLED', message: 'task cancelled' });
    expect(await Promise.all([inFlight, kept])).toEqual([20, 20]);
    expect(sent.map((w) => w.symbols)).toEqual([['A0'], ['A2']]);
    expect((await readBack(['A1']))[0]!.timestamps.length).toBe(0);
    writes.close();
  });

  it("retries a merged write that fails for a data reason caller by caller, so only the bad caller's write fails", async () => {
    const { port, sent } = recordingPort();
    const writes = new WriteCoalescer(port);
    const bad = frame('B2', 10, 0);
    bad.timestamps[5] = bad.timestamps[4]!; // not strictly increasing: the head refuses the whole request
    const results = await Promise.allSettled([
      writes.write(DATASET, FIELDS, [frame('B0', 10, 0)], { jobId: 'job-c' }),
      writes.write(DATASET, FIELDS, [frame('B1', 10, 0)], { jobId: 'job-c' }),
      writes.write(DATASET, FIELDS, [bad], { jobId: 'job-c' }),
      writes.write(DATASET, FIELDS, [frame('B3', 10, 0)], { jobId: 'job-c' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(((results[2] as PromiseRejectedResult).reason as FlorinError).code).toBe('INVALID_ARGUMENT');
    expect(sent.map((w) => w.symbols)).toEqual([['B0'], ['B1', 'B2', 'B3'], ['B1'], ['B2'], ['B3']]);
    const back = await readBack(['B1', 'B2', 'B3']);
    expect(back.map((f) => f.timestamps.length)).toEqual([10, 0, 10]);
    writes.close();
  });

  it('carries the job id of a Publisher, and close() refuses queued and later writes', async () => {
    const { port, sent } = recordingPort();
    const writes = new WriteCoalescer(port);
    const publisher = new Publisher(writes, 'job-7', { datasets: new Map([[DATASET, FIELDS]]) });
    await publisher.publish(DATASET, 'P0', frame('P0', 30, 3));
    await publisher.flush();
    expect(publisher.rows).toBe(30);
    expect(sent).toEqual([{ symbols: ['P0'], jobId: 'job-7' }]);

    const inFlight = writes.write(DATASET, FIELDS, [frame('C0', 5, 0)], { jobId: 'job-d' });
    const queued = writes.write(DATASET, FIELDS, [frame('C1', 5, 0)], { jobId: 'job-d' });
    writes.close();
    writes.close();
    await expect(queued).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await inFlight.catch(() => undefined); // cancelled or already written: either is fine
    await expect(writes.write(DATASET, FIELDS, [frame('C2', 5, 0)])).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect(() => new WriteCoalescer(port, { maxBatchBytes: 0 })).toThrow(/maxBatchBytes must be a positive integer/);
  });

  it('bounds a merged write by maxBatchSymbols', async () => {
    const { port, sent } = recordingPort();
    const writes = new WriteCoalescer(port, { maxBatchSymbols: 2 });
    await Promise.all(['S0', 'S1', 'S2', 'S3', 'S4'].map((s) => writes.write(DATASET, FIELDS, [frame(s, 5, 0)], { jobId: 'job-e' })));
    expect(sent.map((w) => w.symbols)).toEqual([['S0'], ['S1', 'S2'], ['S3', 'S4']]);
    writes.close();
  });
});
