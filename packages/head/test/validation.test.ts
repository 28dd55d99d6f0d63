import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlorinError, fromServiceError, type ReadRequestMessage, type WriteRequestMessage } from '@florin/core';
import { ShardClient } from '@florin/shard-client';
import { DAY_MS, OHLCV, marketFrame, seed, startHeadCluster, utc, type HeadCluster } from '@florin/test-support';

const info = { name: 'daily', fields: [...OHLCV], frequency: '1d' };
const limits = { maxSymbolsPerRequest: 4, maxPointsPerRequest: 20_000 };

async function codeOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err instanceof FlorinError ? err : fromServiceError(err);
    return { code: e.code, message: e.message };
  }
  return { code: 'OK', message: '' };
}

describe('HeadService input validation', () => {
  let cluster: HeadCluster;
  let shard: ShardClient;

  beforeAll(async () => {
    cluster = await startHeadCluster({ shardCount: 1, shardLimits: limits, head: { limits } });
    await seed(cluster, info, [marketFrame('AMZN', info.fields, utc(2000), utc(2020), DAY_MS, 3)]);
    shard = new ShardClient(cluster.router.client(0).address, { limits });
  });
  afterAll(async () => {
    shard?.close();
    await cluster?.close();
  });

  const base: ReadRequestMessage = { dataset: 'daily', symbols: ['AMZN'], fields: ['close'], startMs: utc(2010), endMs: utc(2011) };
  const cases: [string, Partial<ReadRequestMessage>, string][] = [
    ['unknown dataset', { dataset: 'nope' }, 'NOT_FOUND'],
    ['missing dataset name', { dataset: '' }, 'INVALID_ARGUMENT'],
    ['unknown field', { fields: ['close', 'vwap'] }, 'NOT_FOUND'],
    ['a field twice', { fields: ['close', 'close'] }, 'INVALID_ARGUMENT'],
    ['no symbols', { symbols: [] }, 'INVALID_ARGUMENT'],
    ['a malformed symbol', { symbols: ['AMZN', 'bad symbol!'] }, 'INVALID_ARGUMENT'],
    ['an inverted range', { startMs: utc(2012), endMs: utc(2011) }, 'INVALID_ARGUMENT'],
    ['an empty range', { startMs: utc(2012), endMs: utc(2012) }, 'INVALID_ARGUMENT'],
    ['too many symbols', { symbols: ['A', 'B', 'C', 'D', 'E'] }, 'RESOURCE_EXHAUSTED'],
    ['too many points', { fields: [], startMs: utc(2000), endMs: utc(2020) }, 'RESOURCE_EXHAUSTED'],
  ];

  for (const [what, change, code] of cases) {
    it(`answers ${what} with ${code}, as the shard does`, async () => {
      const request = { ...base, ...change };
      const query = {
        dataset: request.dataset,
        symbols: request.symbols,
        fields: request.fields,
        range: { start: request.startMs, end: request.endMs },
      };
      const viaShard = await codeOf(shard.read(query));
      const viaHead = await codeOf(cluster.read(query));
      const viaHeadDirect = await codeOf(cluster.read(query, { coalesce: false }));
      expect(viaShard.code).toBe(code);
      expect(viaHead).toEqual(viaShard);
      expect(viaHeadDirect).toEqual(viaShard);
    });
  }

  it('refuses bad writes as a whole with the shard status codes', async () => {
    const frame = marketFrame('AMZN', info.fields, utc(2021), utc(2021, 2), DAY_MS, 8);
    const block = (f = frame) => ({
      symbol: f.symbol,
      timestamps: Buffer.from(f.timestamps.buffer, f.timestamps.byteOffset, f.timestamps.byteLength),
      columns: f.columns.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)),
      last: true,
    });
    const write = (request: Partial<WriteRequestMessage>): Promise<unknown> =>
      new Promise((resolve, reject) =>
        cluster.client.Write({ dataset: 'daily', fields: [...info.fields], blocks: [block()], jobId: '', grants: [], ...request }, { deadline: Date.now() + 10_000 }, (err, res) =>
          err ? reject(err) : resolve(res),
        ),
      );
    expect((await codeOf(write({ dataset: 'nope' }))).code).toBe('NOT_FOUND');
    expect((await codeOf(write({ dataset: '' }))).code).toBe('INVALID_ARGUMENT');
    expect((await codeOf(write({ fields: ['open', 'high', 'low', 'close'], blocks: [] }))).code).toBe('INVALID_ARGUMENT');
    expect((await codeOf(write({ fields: [...info.fields.slice(0, 4), 'vwap'] }))).code).toBe('NOT_FOUND');
    const reversed = { ...frame, timestamps: frame.timestamps.slice().reverse() };
    expect((await codeOf(write({ blocks: [block(reversed)] }))).code).toBe('INVALID_ARGUMENT');
    expect((await codeOf(write({ blocks: [{ ...block(), symbol: 'bad symbol' }] }))).code).toBe('INVALID_ARGUMENT');
    const many = ['A', 'B', 'C', 'D', 'E'].map((s) => ({ ...block(), symbol: s }));
    expect((await codeOf(write({ blocks: many }))).code).toBe('RESOURCE_EXHAUSTED');
    expect(await codeOf(write({}))).toEqual({ code: 'OK', message: '' });
  });
});

describe('HeadService passes shard rejections through', () => {
  let cluster: HeadCluster;

  beforeAll(async () => {
    // The shard is stricter than the head: its refusals must reach the caller as it said them.
    cluster = await startHeadCluster({ shardCount: 1, shardLimits: { maxPointsPerRequest: 1_000 } });
    await seed(cluster, info, [marketFrame('AMZN', info.fields, utc(2000), utc(2020), DAY_MS, 3)]);
  });
  afterAll(() => cluster?.close());

  it('RESOURCE_EXHAUSTED from the shard keeps its status and message', async () => {
    const query = { dataset: 'daily', symbols: ['AMZN'], fields: ['close'], range: { start: utc(2005), end: utc(2015) } };
    const direct = await codeOf(cluster.router.read(query));
    expect(direct.code).toBe('RESOURCE_EXHAUSTED');
    expect(await codeOf(cluster.read(query, { coalesce: false }))).toEqual(direct);
    const aggregated = await codeOf(cluster.read(query));
    expect(aggregated.code).toBe('RESOURCE_EXHAUSTED');
    expect(aggregated.message).toMatch(/the limit is 1000 points per request/);
    // Refusals are not failures: nothing was retried or cached.
    const stats = cluster.head.node.stats();
    expect(stats.upstreamRetries).toBe(0);
    expect(stats.upstreamFailures).toBe(0);
    expect(stats.cacheEntries).toBe(0);
  });
});
