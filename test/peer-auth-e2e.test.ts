import { join } from 'node:path';
import { Metadata, type Client, type ClientReadableStream } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlorinError, HeadRing, encodeBlock, unaryCall, type SeriesFrame, type WriteRequestMessage } from '@florin/core';
import { HeadClient, type HeadReadOptions, type HeadStats } from '@florin/client';
import { PEER_METADATA_KEY } from '@florin/head';
import { ProcessGroup, TestSecurity, freePort, type RoleProcess } from '@florin/test-support';

/**
 * Issue 12, the hole found in review: `florin-peer` made a head serve a key it
 * does not own straight from the shards, outside its read slots, and apply a
 * write without its owner. Over real `florin shard` and two `florin head`
 * processes that know each other (--peers), with TLS and token checks: a
 * researcher's read (an admin's write) carrying the header is still routed to
 * the owning head, while the same call with the head role's token is served by
 * the head it was sent to, so the test tells the two apart. head-a runs with
 * --max-reads 1 and 8 KB answer chunks (so a read its caller does not consume
 * stalls and keeps its slot): while such a read holds the slot, a researcher's
 * read carrying the header waits for it (and times out), a head's is served.
 */
const DATASET = 'bars';
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 2);
const RANGE = { start: START, end: START + 10 * DAY };
const group = new ProcessGroup();
let security: TestSecurity;
let tokens: Record<'researcher' | 'admin' | 'head', string>;
let heads: { a: RoleProcess; b: RoleProcess };
/** Symbols head-b owns, so head-a has to forward them; one head-a owns, of the big dataset. */
let owned: { read: string; write: string; big: string };
/** A dataset of minute bars big enough (3.2 MB answered) that an unconsumed read holds its read slot. */
const BIG = { name: 'minutes', rows: 200_000 };

type WriteCallback = (err: unknown, res?: { rowsWritten: number }) => void;

/** A HeadClient whose reads and writes say head `peer` forwarded them, as a head's PeerClient does. */
class ClaimsPeer extends HeadClient {
  constructor(
    address: string,
    token: string,
    private readonly peer: string,
  ) {
    super(address, { security: security.client(token) });
  }

  protected override readMetadata(options: HeadReadOptions | undefined): Metadata {
    const metadata = super.readMetadata(options);
    metadata.set(PEER_METADATA_KEY, this.peer);
    return metadata;
  }

  /** HeadService.Write of `frames` (field close) with the peer metadata. */
  writeAsPeer(frames: readonly SeriesFrame[]): Promise<number> {
    const stub = this.stub as unknown as { Write(r: WriteRequestMessage, m: Metadata, o: object, cb: WriteCallback): { cancel(): void } };
    const metadata = new Metadata();
    metadata.set(PEER_METADATA_KEY, this.peer);
    const request: WriteRequestMessage = { dataset: DATASET, fields: ['close'], blocks: frames.map((f) => encodeBlock(f, true)), jobId: '', grants: [] };
    const method = (r: WriteRequestMessage, o: object, cb: WriteCallback) => stub.Write(r, metadata, o, cb);
    return unaryCall(method as never, request, undefined, 10_000).then((res) => (res as { rowsWritten: number }).rowsWritten);
  }
}

function frame(symbol: string, closes: readonly number[]): SeriesFrame {
  return { symbol, fields: ['close'], timestamps: Float64Array.from(closes, (_c, i) => START + i * DAY), columns: [Float64Array.from(closes)] };
}

/** Both heads' counters since the last call (each reset as it is read). */
async function statsSinceLast(): Promise<{ a: HeadStats; b: HeadStats }> {
  const [a, b] = await Promise.all(
    [heads.a, heads.b].map(async (head) => {
      const client = new HeadClient(head.address, { security: security.client(tokens.admin) });
      try {
        return await client.stats({ reset: true });
      } finally {
        client.close();
      }
    }),
  );
  return { a: a!, b: b! };
}

/** A bare grpc-js Read of the big series from head-a that the caller never consumes: it holds head-a's one read slot. */
function heldRead(token: string): { client: Client; stream: ClientReadableStream<unknown> } {
  return security.heldRead(token, heads.a.address, { dataset: BIG.name, symbols: [owned.big], fields: ['close'], startMs: START, endMs: START + BIG.rows * 60_000 });
}

const counters = (s: HeadStats) => ({
  requests: s.requests,
  pointsServed: s.pointsServed,
  upstreamRequests: s.upstreamRequests,
  upstreamPoints: s.upstreamPoints,
  peerReads: s.peerReads,
  writes: s.writes,
});

beforeAll(async () => {
  security = await TestSecurity.create('peerauth');
  tokens = await security.tokens({
    researcher: { subject: 'test-researcher', role: 'researcher' },
    admin: { subject: 'test-admin', role: 'admin' },
    head: { subject: 'test-head', role: 'head' },
  });
  const headToken = await security.tokenFile('head', tokens.head);
  const tls = security.serverArgs();
  const shard = await group.start('shard', ['shard', '--data', join(security.dir, 'shard-0.duckdb'), '--shard-id', '0', '--shard-count', '1', ...tls]);
  // Ports chosen first so each head can be told the other's address.
  const [portA, portB] = [await freePort(), await freePort()];
  const peers = `head-a=127.0.0.1:${portA},head-b=127.0.0.1:${portB}`;
  const headArgs = (id: string, port: number) => ['head', '--shards', shard.address, '--node-id', id, '--port', String(port), '--peers', peers, ...tls, '--token-file', headToken];
  const [a, b] = await Promise.all([group.start('head-a', [...headArgs('head-a', portA), '--max-reads', '1', '--chunk-bytes', '8192']), group.start('head-b', headArgs('head-b', portB))]);
  heads = { a, b };
  const ring = new HeadRing(['head-a', 'head-b']);
  const ofB = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'GGG', 'HHH'].filter((s) => ring.ownerOf(DATASET, s) === 'head-b');
  const ofA = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'GGG', 'HHH'].filter((s) => ring.ownerOf(BIG.name, s) === 'head-a');
  owned = { read: ofB[0]!, write: ofB[1]!, big: ofA[0]! };
  const admin = new HeadClient(heads.b.address, { security: security.client(tokens.admin) });
  try {
    await admin.createDataset({ name: DATASET, fields: ['close'], frequency: '1d' });
    expect(await admin.write(DATASET, ['close'], [frame(owned.read, [10, 11, 12])])).toBe(3);
    await admin.createDataset({ name: BIG.name, fields: ['close'], frequency: '1m' });
    const minutes: SeriesFrame = { symbol: owned.big, fields: ['close'], timestamps: Float64Array.from({ length: BIG.rows }, (_, r) => START + r * 60_000), columns: [new Float64Array(BIG.rows).fill(1.5)] };
    expect(await admin.write(BIG.name, ['close'], [minutes])).toBe(BIG.rows);
  } finally {
    admin.close();
  }
  await statsSinceLast();
}, 120_000);

afterAll(async () => {
  await group.killAll();
  await security?.close();
});

describe('florin-peer in a secure cluster', () => {
  it('a researcher read claiming to be a peer is forwarded to the owning head; the same read with the head token is not', async () => {
    const query = { dataset: DATASET, symbols: [owned.read], range: RANGE };
    const researcher = new ClaimsPeer(heads.a.address, tokens.researcher, 'head-b');
    try {
      const [read] = await researcher.read(query);
      expect(Array.from(read!.columns[0]!)).toEqual([10, 11, 12]);
    } finally {
      researcher.close();
    }
    const routed = await statsSinceLast();
    // head-a asked its owner (one peer read) and touched no shard; head-b served it from its cache (it cached
    // the rows when they were written through it into an empty dataset).
    expect(counters(routed.a)).toEqual({ requests: 1, pointsServed: 3, upstreamRequests: 0, upstreamPoints: 0, peerReads: 1, writes: 0 });
    expect(counters(routed.b)).toEqual({ requests: 1, pointsServed: 3, upstreamRequests: 0, upstreamPoints: 0, peerReads: 0, writes: 0 });

    const head = new ClaimsPeer(heads.a.address, tokens.head, 'head-b');
    try {
      const [read] = await head.read(query);
      expect(Array.from(read!.columns[0]!)).toEqual([10, 11, 12]);
    } finally {
      head.close();
    }
    const direct = await statsSinceLast();
    // A verified head's forwarded read: served by head-a from the shard, never forwarded.
    expect(counters(direct.a)).toEqual({ requests: 1, pointsServed: 3, upstreamRequests: 1, upstreamPoints: 3, peerReads: 0, writes: 0 });
    expect(counters(direct.b)).toEqual({ requests: 0, pointsServed: 0, upstreamRequests: 0, upstreamPoints: 0, peerReads: 0, writes: 0 });
  });

  it('an admin write claiming to be a peer is forwarded to the owning head; the same write with the head token is applied where sent', async () => {
    const admin = new ClaimsPeer(heads.a.address, tokens.admin, 'head-b');
    try {
      expect(await admin.writeAsPeer([frame(owned.write, [1, 2])])).toBe(2);
    } finally {
      admin.close();
    }
    const routed = await statsSinceLast();
    // head-a forwarded the write to its owner (one peer call, counted in peerReads), head-b applied it.
    expect(counters(routed.a)).toEqual({ requests: 0, pointsServed: 0, upstreamRequests: 0, upstreamPoints: 0, peerReads: 1, writes: 1 });
    expect(counters(routed.b)).toEqual({ requests: 0, pointsServed: 0, upstreamRequests: 0, upstreamPoints: 0, peerReads: 0, writes: 1 });

    const head = new ClaimsPeer(heads.a.address, tokens.head, 'head-b');
    try {
      expect(await head.writeAsPeer([frame(owned.write, [3, 4])])).toBe(2);
    } finally {
      head.close();
    }
    const direct = await statsSinceLast();
    // A verified head's forwarded write: applied by head-a itself, head-b never sees it.
    expect(counters(direct.a)).toEqual({ requests: 0, pointsServed: 0, upstreamRequests: 0, upstreamPoints: 0, peerReads: 0, writes: 1 });
    expect(counters(direct.b)).toEqual({ requests: 0, pointsServed: 0, upstreamRequests: 0, upstreamPoints: 0, peerReads: 0, writes: 0 });
  });

  it("a researcher read claiming to be a peer waits for head-a's read slot; a head's forwarded read does not", async () => {
    const query = { dataset: DATASET, symbols: [owned.read], range: RANGE };
    const held = heldRead(tokens.researcher);
    const researcher = new ClaimsPeer(heads.a.address, tokens.researcher, 'head-b');
    const head = new ClaimsPeer(heads.a.address, tokens.head, 'head-b');
    try {
      // The held read has its slot once its answer starts.
      await new Promise((resolve) => held.stream.once('readable', resolve));
      const waited = await researcher.read(query, { deadlineMs: 1_500 }).then(
        () => 'OK',
        (err: unknown) => (err instanceof FlorinError ? err.code : String(err)),
      );
      expect(waited).toBe('DEADLINE_EXCEEDED');
      const [read] = await head.read(query, { deadlineMs: 10_000 });
      expect(Array.from(read!.columns[0]!)).toEqual([10, 11, 12]);
    } finally {
      held.stream.cancel();
      held.client.close();
      researcher.close();
      head.close();
    }
  });
});
