import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, ServiceError } from '@grpc/grpc-js';
import { FlorinError, createClient, float64ToBytes, fromServiceError, shardFor, type WriteRequestMessage } from '@florin/core';
import { ShardClient } from '@florin/shard-client';
import { SHARD_SERVICE } from '@florin/shard';
import { startShardCluster as startCluster, type ShardCluster } from '@florin/test-support';
import { DAY_MS, OHLCV, failure as expectFailure, syntheticFrame } from '@florin/test-support';

const DATASET = { name: 'daily', fields: [...OHLCV], frequency: '1d' };
const START = Date.UTC(2022, 0, 3);
const ROWS = 504;
const RANGE = { start: START, end: START + ROWS * DAY_MS };
const LIMITS = { maxSymbolsPerRequest: 10, maxPointsPerRequest: 5_000 };

/** A failure whose message carries no stack trace. */
async function failure(work: Promise<unknown>): Promise<FlorinError> {
  const err = await expectFailure(work);
  expect(err.message).not.toMatch(/\n\s+at /);
  return err;
}

interface RawShard extends Client {
  Write(request: WriteRequestMessage, options: object, cb: (err: ServiceError | null) => void): void;
}

describe('shard input validation', () => {
  let cluster: ShardCluster;
  let shard0: ShardClient;
  const owned: [string[], string[]] = [[], []];

  beforeAll(async () => {
    cluster = await startCluster(2, LIMITS);
    shard0 = cluster.router.client(0);
    for (let i = 0; owned[0].length < 12 || owned[1].length < 12; i++) owned[shardFor(DATASET.name, `S${i}`, 2) as 0 | 1].push(`S${i}`);
    await cluster.router.createDataset(DATASET);
    // One symbol per write keeps each write under the 5,000-point limit.
    for (const s of [...owned[0].slice(0, 4), ...owned[1].slice(0, 4)]) {
      await cluster.router.write(DATASET.name, DATASET.fields, [syntheticFrame(s, DATASET.fields, ROWS, START, DAY_MS, s.length)]);
    }
  });
  afterAll(() => cluster?.close());

  const read = (over: Partial<Parameters<ShardClient['read']>[0]>, options?: Parameters<ShardClient['read']>[1]) =>
    shard0.read({ dataset: DATASET.name, symbols: [owned[0][0]!], range: RANGE, ...over }, options);

  it("answers a write's cover question over any int64 range, and not for an empty one", async () => {
    const frame = syntheticFrame(owned[0][8]!, DATASET.fields, 10, START, DAY_MS, 3);
    const everything = { cover: { start: -(2 ** 63), end: 2 ** 63 } };
    expect(await shard0.writeChecked(DATASET.name, DATASET.fields, [frame], everything)).toEqual({ rowsWritten: 10, covered: true });
    const more = syntheticFrame(owned[0][8]!, DATASET.fields, 3, START + 20 * DAY_MS, DAY_MS, 4);
    expect(await shard0.writeChecked(DATASET.name, DATASET.fields, [more], everything)).toEqual({ rowsWritten: 3, covered: false });
    const other = syntheticFrame(owned[0][9]!, DATASET.fields, 10, START, DAY_MS, 4);
    expect(await shard0.writeChecked(DATASET.name, DATASET.fields, [other], { cover: { start: START, end: START } })).toEqual({ rowsWritten: 10, covered: false });
  });

  it('unknown dataset: NOT_FOUND', async () => {
    const err = await failure(read({ dataset: 'nope' }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain('unknown dataset "nope"');
    expect((await failure(cluster.router.read({ dataset: 'nope', symbols: ['A', 'B', 'C'], range: RANGE }))).code).toBe('NOT_FOUND');
  });

  it('unknown field: NOT_FOUND listing the fields there are', async () => {
    const err = await failure(read({ fields: ['close', 'vwap'] }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain('unknown field "vwap" in dataset daily; it has open, high, low, close, volume');
  });

  it('inverted and empty ranges: INVALID_ARGUMENT', async () => {
    const inverted = await failure(read({ range: { start: RANGE.end, end: RANGE.start } }));
    expect(inverted.code).toBe('INVALID_ARGUMENT');
    expect(inverted.message).toMatch(/range is inverted: start .* is after end/);
    const empty = await failure(read({ range: { start: START, end: START } }));
    expect(empty.code).toBe('INVALID_ARGUMENT');
    expect(empty.message).toContain('range is empty');
  });

  it('empty symbol list and malformed symbol: INVALID_ARGUMENT', async () => {
    for (const client of [shard0, cluster.router]) {
      const err = await failure(client.read({ dataset: DATASET.name, symbols: [], range: RANGE }));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.message).toContain('symbols is empty');
    }
    const bad = await failure(read({ symbols: ['bad symbol!'] }));
    expect(bad.code).toBe('INVALID_ARGUMENT');
    expect(bad.message).toContain('malformed symbol "bad symbol!"');
  });

  it('too many symbols: RESOURCE_EXHAUSTED naming the limit', async () => {
    const err = await failure(read({ symbols: owned[0].slice(0, 11) }));
    expect(err.code).toBe('RESOURCE_EXHAUSTED');
    expect(err.message).toContain('11 symbols requested; the limit is 10 symbols per request');
  });

  it('too many points: RESOURCE_EXHAUSTED naming the limit', async () => {
    const err = await failure(read({ symbols: owned[0].slice(0, 3) }));
    expect(err.code).toBe('RESOURCE_EXHAUSTED');
    expect(err.message).toContain(`request covers ${3 * ROWS * 5} points; the limit is 5000 points per request`);
    // The same symbols with one field fit.
    const frames = await read({ symbols: owned[0].slice(0, 3), fields: ['close'] });
    expect(frames.map((f) => f.timestamps.length)).toEqual([ROWS, ROWS, ROWS]);
  });

  it('a symbol another shard owns: FAILED_PRECONDITION naming the owner', async () => {
    const foreign = owned[1][0]!;
    const err = await failure(read({ symbols: [owned[0][0]!, foreign] }));
    expect(err.code).toBe('FAILED_PRECONDITION');
    expect(err.message).toContain(`${foreign} (owned by shard 1)`);
  });

  it('a deadline too short for the read: DEADLINE_EXCEEDED', async () => {
    const err = await failure(read({ symbols: owned[0].slice(0, 1) }, { deadlineMs: 1 }));
    expect(err.code).toBe('DEADLINE_EXCEEDED');
    expect((await read({})).length).toBe(1);
  });

  it('an aborted signal: CANCELLED', async () => {
    const controller = new AbortController();
    const pending = read({}, { signal: controller.signal });
    controller.abort();
    expect((await failure(pending)).code).toBe('CANCELLED');
    expect((await failure(read({}, { signal: controller.signal }))).code).toBe('CANCELLED');
  });

  it('rejects bad writes with the right status and writes nothing', async () => {
    const before = await cluster.stores[0]!.countRows(DATASET.name);
    const frame = syntheticFrame(owned[0][5]!, DATASET.fields, 20, START, DAY_MS, 9);
    const cases: [() => Promise<unknown>, FlorinError['code'], string][] = [
      [() => shard0.write('nope', DATASET.fields, [frame]), 'NOT_FOUND', 'unknown dataset "nope"'],
      [() => shard0.write(DATASET.name, ['open', 'high', 'low', 'close'], [frame]), 'INVALID_ARGUMENT', 'missing field volume'],
      [
        () => shard0.write(DATASET.name, [...DATASET.fields, 'vwap'], [{ ...frame, fields: [...DATASET.fields, 'vwap'], columns: [...frame.columns, frame.columns[0]!] }]),
        'NOT_FOUND',
        'unknown field "vwap"',
      ],
      [
        () => shard0.write(DATASET.name, DATASET.fields, owned[0].slice(0, 11).map((s) => ({ ...frame, symbol: s }))),
        'RESOURCE_EXHAUSTED',
        'the limit is 10 symbols per request',
      ],
      [
        () => shard0.write(DATASET.name, DATASET.fields, [syntheticFrame(owned[0][5]!, DATASET.fields, 1_001, START, DAY_MS, 1)]),
        'RESOURCE_EXHAUSTED',
        'write carries 5005 points; the limit is 5000 points per request',
      ],
      [() => shard0.write(DATASET.name, DATASET.fields, [{ ...frame, symbol: 'no good' }]), 'INVALID_ARGUMENT', 'malformed symbol "no good"'],
      [
        () => shard0.write(DATASET.name, DATASET.fields, [{ ...frame, timestamps: frame.timestamps.slice().reverse() }]),
        'INVALID_ARGUMENT',
        'timestamps out of order at row 1',
      ],
    ];
    for (const [work, code, text] of cases) {
      const err = await failure(work());
      expect(err.code, text).toBe(code);
      expect(err.message).toContain(text);
    }

    // Malformed blocks need the raw wire: unequal column lengths, wrong column count.
    const raw = createClient<RawShard>(SHARD_SERVICE, cluster.addresses[0]!, { maxMessageBytes: 1 << 24 });
    const rawWrite = (blocks: WriteRequestMessage['blocks']): Promise<FlorinError> =>
      failure(
        new Promise((resolve, reject) =>
          raw.Write({ dataset: DATASET.name, fields: DATASET.fields, blocks, jobId: '', grants: [] }, {}, (err) => (err ? reject(fromServiceError(err)) : resolve(undefined))),
        ),
      );
    try {
      const ts = float64ToBytes(frame.timestamps);
      const cols = frame.columns.map(float64ToBytes);
      const short = await rawWrite([{ symbol: frame.symbol, timestamps: ts, columns: [...cols.slice(0, 4), cols[4]!.subarray(0, 80)], last: true }]);
      expect(short.code).toBe('INVALID_ARGUMENT');
      expect(short.message).toContain('has 10 values of volume for 20 timestamps');
      const fewer = await rawWrite([{ symbol: frame.symbol, timestamps: ts, columns: cols.slice(0, 3), last: true }]);
      expect(fewer.code).toBe('INVALID_ARGUMENT');
      expect(fewer.message).toContain('has 3 columns for 5 fields');
      const ragged = await rawWrite([{ symbol: frame.symbol, timestamps: ts.subarray(0, 12), columns: cols, last: true }]);
      expect(ragged.code).toBe('INVALID_ARGUMENT');
      expect(ragged.message).toContain('not a whole number of float64 values');
    } finally {
      raw.close();
    }
    expect(await cluster.stores[0]!.countRows(DATASET.name)).toBe(before);
  });

  it('catalog calls validate too', async () => {
    const conflict = await failure(shard0.createDataset({ ...DATASET, frequency: '1h' }));
    expect(conflict.code).toBe('ALREADY_EXISTS');
    expect(conflict.message).toContain('dataset daily already exists');
    expect((await shard0.createDataset(DATASET)).created).toBe(false);
    const badName = await failure(shard0.createDataset({ name: 'Bad-Name', fields: ['x'], frequency: '1d' }));
    expect(badName.code).toBe('INVALID_ARGUMENT');
    const noFields = await failure(shard0.createDataset({ name: 'nofields', fields: [], frequency: '1d' }));
    expect(noFields.code).toBe('INVALID_ARGUMENT');
    expect(noFields.message).toContain('needs at least one field');
    expect((await shard0.listDatasets()).map((d) => d.name)).toEqual(['daily']);
  });

  it('a closed client refuses calls with FAILED_PRECONDITION', async () => {
    const client = new ShardClient(cluster.addresses[0]!);
    client.close();
    client.close();
    expect((await failure(client.read({ dataset: DATASET.name, symbols: ['A'], range: RANGE }))).code).toBe('FAILED_PRECONDITION');
  });
});
