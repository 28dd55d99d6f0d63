import { join } from 'node:path';
import type { Client, ClientReadableStream } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlorinError, type ClientSecurity, type SeriesFrame } from '@florin/core';
import { DataClient } from '@florin/client';
import { ProcessGroup, TestSecurity, type RoleProcess } from '@florin/test-support';

/**
 * Issue 12 item 5, per-caller limits, over real `florin shard` and `florin head`
 * processes with TLS and tokens: the head runs with --max-caller-calls 4 and
 * --max-caller-bytes 1 MiB. A greedy caller holding 4 slow reads (it does not
 * consume them) gets RESOURCE_EXHAUSTED for anything more, naming the limit,
 * while another caller's reads and writes are answered in full; the greedy
 * caller gets its share back when its calls end. A request bigger than the
 * byte budget is refused the same way.
 */
const MAX_CALLS = 4;
const MAX_BYTES = 1024 * 1024;
const SYMBOLS = Array.from({ length: 8 }, (_, i) => `S${i}`);
const ROWS = 40_000;
const START = Date.UTC(2024, 0, 1);
const RANGE = { start: START, end: START + ROWS * 60_000 };
const group = new ProcessGroup();
let security: TestSecurity;
let shard: RoleProcess;
let head: RoleProcess;
let tokens: Record<'alice' | 'bob' | 'admin' | 'greedyAdmin', string>;

const secure = (token: string): ClientSecurity => security.client(token);

function seriesOf(symbol: string, i: number): SeriesFrame {
  const timestamps = new Float64Array(ROWS);
  const close = new Float64Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    timestamps[r] = START + r * 60_000;
    close[r] = i * 1_000 + r / 7;
  }
  return { symbol, fields: ['close'], timestamps, columns: [close] };
}

async function code(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (err) {
    if (!(err instanceof FlorinError)) throw err;
    return `${err.code}: ${err.message}`;
  }
}

beforeAll(async () => {
  security = await TestSecurity.create('limits');
  tokens = await security.tokens({ alice: { subject: 'alice', role: 'researcher' }, bob: { subject: 'bob', role: 'researcher' }, admin: { subject: 'ops', role: 'admin' }, greedyAdmin: { subject: 'bulk-loader', role: 'admin' } });
  const headToken = await security.tokenFile('head', await security.token({ subject: 'heads', role: 'head' }));
  const tls = security.serverArgs();
  shard = await group.start('shard', ['shard', '--data', join(security.dir, 'shard-0.duckdb'), '--shard-id', '0', '--shard-count', '1', ...tls]);
  head = await group.start('head', ['head', '--shards', shard.address, '--node-id', 'head-0', ...tls, '--token-file', headToken, '--max-caller-calls', String(MAX_CALLS), '--max-caller-bytes', String(MAX_BYTES)]);
  const admin = new DataClient({ heads: [head.address], security: secure(tokens.admin) });
  try {
    await admin.createDataset({ name: 'bars', fields: ['close'], frequency: '1m' });
    // One symbol per write: 40,000 rows x 16 bytes stays under the 1 MiB a caller may have in progress.
    for (const [i, symbol] of SYMBOLS.entries()) await admin.write('bars', ['close'], [seriesOf(symbol, i)]);
  } finally {
    admin.close();
  }
}, 120_000);

afterAll(async () => {
  await group.killAll();
  await security?.close();
});

/** A bare grpc-js Read the caller never consumes: the head answers into flow control and the call stays in progress. */
function heldRead(token: string): { client: Client; stream: ClientReadableStream<unknown> } {
  return security.heldRead(token, head.address, { dataset: 'bars', symbols: SYMBOLS, fields: ['close'], startMs: RANGE.start, endMs: RANGE.end });
}

describe('per-caller limits on a head node', () => {
  it('a greedy caller at its call limit gets RESOURCE_EXHAUSTED while another caller is served in full; its share comes back when its calls end', async () => {
    const held = Array.from({ length: MAX_CALLS }, () => heldRead(tokens.alice));
    const alice = new DataClient({ heads: [head.address], security: secure(tokens.alice), limits: { defaultDeadlineMs: 10_000 } });
    const bob = new DataClient({ heads: [head.address], security: secure(tokens.bob), limits: { defaultDeadlineMs: 30_000 } });
    try {
      // Wait until the head counts all of alice's reads (their first chunks are on the way).
      await Promise.all(held.map(({ stream }) => new Promise((resolve) => stream.once('readable', resolve))));
      const refusal = `RESOURCE_EXHAUSTED: alice (role researcher) has ${MAX_CALLS} calls in progress on this server, the most one caller may have (--max-caller-calls ${MAX_CALLS}); wait for some to finish before sending more, or raise the limit`;
      // Alice floods: every further call is refused at once.
      const flood = await Promise.all(Array.from({ length: 40 }, () => code(alice.listDatasets())));
      expect(new Set(flood)).toEqual(new Set([refusal]));
      // Bob, meanwhile, reads everything, exactly.
      const frames = await bob.read({ dataset: 'bars', symbols: SYMBOLS, range: RANGE });
      expect(frames.map((f) => f.symbol)).toEqual(SYMBOLS);
      frames.forEach((frame, i) => {
        const expected = seriesOf(frame.symbol, i);
        expect(frame.timestamps).toEqual(expected.timestamps);
        expect(frame.columns[0]).toEqual(expected.columns[0]);
      });
      expect(await code(bob.listDatasets())).toBe('OK');
      // Alice's held reads end (cancelled): her calls are answered again.
      for (const { stream } of held) stream.cancel();
      let answer = '';
      const deadline = Date.now() + 10_000;
      while (answer !== 'OK' && Date.now() < deadline) {
        answer = await code(alice.listDatasets());
        if (answer !== 'OK') await new Promise((r) => setTimeout(r, 100));
      }
      expect(answer).toBe('OK');
    } finally {
      for (const { stream, client } of held) {
        stream.cancel();
        client.close();
      }
      alice.close();
      bob.close();
    }
  });

  it('a request over the byte budget is refused naming it; another caller writes', async () => {
    const greedy = new DataClient({ heads: [head.address], security: secure(tokens.greedyAdmin) });
    const ops = new DataClient({ heads: [head.address], security: secure(tokens.admin) });
    const big = seriesOf('BIG', 0);
    const bigger: SeriesFrame = { ...big, timestamps: Float64Array.from({ length: 2 * ROWS }, (_, r) => START + r * 60_000), columns: [new Float64Array(2 * ROWS).fill(1.25)] };
    try {
      const answer = await code(greedy.write('bars', ['close'], [bigger]));
      expect(answer).toMatch(
        /^RESOURCE_EXHAUSTED: bulk-loader \(role admin\) has 0 bytes of requests in progress on this server; this request of \d+ bytes would pass the most one caller may have in progress \(--max-caller-bytes 1048576\); send smaller requests or fewer at once, or raise the limit$/,
      );
      expect(Number(/request of (\d+) bytes/.exec(answer)![1])).toBeGreaterThan(2 * ROWS * 16);
      // Nothing of the refused write landed; the other caller's write does.
      expect(await code(ops.write('bars', ['close'], [{ ...big, symbol: 'SMALL', timestamps: big.timestamps.subarray(0, 10), columns: [big.columns[0]!.subarray(0, 10)] }]))).toBe('OK');
      const [small, none] = await ops.read({ dataset: 'bars', symbols: ['SMALL', 'BIG'], range: RANGE });
      expect(small!.timestamps.length).toBe(10);
      expect(none!.timestamps.length).toBe(0);
    } finally {
      greedy.close();
      ops.close();
    }
  });
});
