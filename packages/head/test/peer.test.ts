import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadRing, framesBitEqual, type SeriesFrame } from '@florin/core';
import { connect, type SeriesQuery } from '@florin/client';
import {
  DAY_MS,
  OHLCV,
  headRead,
  marketFrame,
  openHead,
  openHeadFleet,
  prng,
  seed,
  startHeadCluster,
  utc,
  type HeadCluster,
  type HeadFleet,
} from '@florin/test-support';

const daily = { name: 'daily', fields: [...OHLCV], frequency: '1d' };
const SYMBOLS = Array.from({ length: 24 }, (_, i) => `S${String(i).padStart(2, '0')}`);

function expectBitEqual(actual: SeriesFrame[], expected: SeriesFrame[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((f, i) => expect(framesBitEqual(f, expected[i]!), `bits of ${f.symbol}`).toBe(true));
}

/** A fixed workload: reads of 1-4 symbols over random ranges of 2010-2025. */
function workload(seedValue: number, count: number): SeriesQuery[] {
  const random = prng(seedValue);
  return Array.from({ length: count }, () => {
    const n = 1 + Math.floor(random() * 4);
    const symbols = [...new Set(Array.from({ length: n }, () => SYMBOLS[Math.floor(random() * SYMBOLS.length)]!))];
    const start = utc(2010) + Math.floor(random() * 14 * 365) * DAY_MS;
    return { dataset: 'daily', symbols, range: { start, end: start + (30 + Math.floor(random() * 700)) * DAY_MS } };
  });
}

/** A symbol the ring over `ids` gives to `owner`. */
function ownedBy(owner: string, ids: readonly string[], skip = 0): string {
  const ring = new HeadRing(ids);
  return SYMBOLS.filter((s) => ring.ownerOf('daily', s) === owner)[skip]!;
}

describe('head nodes as one logical server: peer reads and writes', () => {
  let cluster: HeadCluster;
  const shardPoints = (): number => cluster.shards.reduce((sum, s) => sum + s.stats().readPoints, 0);
  const resetShards = (): void => cluster.shards.forEach((s) => void s.stats(true));

  beforeAll(async () => {
    cluster = await startHeadCluster({ shardCount: 2 });
    await seed(cluster, daily, SYMBOLS.map((s, i) => marketFrame(s, daily.fields, utc(2008), utc(2026), DAY_MS, 300 + i)));
  });
  afterAll(() => cluster?.close());

  for (const heads of [2, 3]) {
    it(`reads sent round robin to ${heads} heads cost the shards what the same reads routed by the SDK cost`, async () => {
      const reads = workload(17 + heads, 80);
      const fleet = await openHeadFleet(cluster, heads);
      const sdk = connect({ heads: fleet.members });
      try {
        const upstreamOf = (): number => fleet.heads.reduce((sum, h) => sum + h.node.stats().upstreamPoints, 0);
        const run = async (send: (q: SeriesQuery, i: number) => Promise<SeriesFrame[]>): Promise<{ heads: number; shards: number }> => {
          for (const h of fleet.heads) h.node.clearCache();
          for (const h of fleet.heads) h.node.stats(true);
          resetShards();
          for (let i = 0; i < reads.length; i++) expectBitEqual(await send(reads[i]!, i), await cluster.direct(reads[i]!));
          return { heads: upstreamOf(), shards: shardPoints() };
        };
        const routed = await run((q) => sdk.data.read(q));
        const roundRobin = await run((q, i) => fleet.read(i % heads, q));
        // The heads' own upstream counters agree with what the shards served.
        expect(routed.heads).toBe(routed.shards);
        expect(roundRobin.heads).toBe(roundRobin.shards);
        const ratio = roundRobin.shards / routed.shards;
        expect(Math.abs(ratio - 1)).toBeLessThanOrEqual(0.02);
        const peer = fleet.heads.map((h) => h.node.stats());
        expect(peer.reduce((s, p) => s + p.peerReads, 0)).toBeGreaterThan(0);
        expect(peer.reduce((s, p) => s + p.peerFallbacks + p.peerErrors, 0)).toBe(0);

        // For comparison, the same round robin over heads that do not know each other (each fetches and caches on its own).
        const lone = await Promise.all(Array.from({ length: heads }, () => openHead(cluster)));
        try {
          resetShards();
          for (let i = 0; i < reads.length; i++) await lone[i % heads]!.read(reads[i]!);
          const alone = shardPoints() / routed.shards;
          expect(alone).toBeGreaterThan(1.2);
          console.info(`[amplification] ${heads} heads, round robin: ${ratio.toFixed(4)}x with peer reads, ${alone.toFixed(3)}x without (SDK-routed = 1, ${routed.shards} points)`);
        } finally {
          await Promise.all(lone.map((h) => h.close()));
        }
      } finally {
        sdk.close();
        await fleet.close();
      }
    });
  }

  describe('no stale reads', () => {
    let fleet: HeadFleet;
    const ids = ['head-0', 'head-1'];
    const window = { start: utc(2015), end: utc(2015, 7) };
    const query = (symbols: string[]): SeriesQuery => ({ dataset: 'daily', symbols, range: window });
    const rewrite = (symbol: string, seedValue: number): SeriesFrame => marketFrame(symbol, daily.fields, utc(2015, 3), utc(2015, 4), DAY_MS, seedValue);
    const expectWritten = (frame: SeriesFrame, written: SeriesFrame): void => {
      const at = frame.timestamps.indexOf(written.timestamps[0]!);
      expect(at).toBeGreaterThanOrEqual(0);
      for (let c = 0; c < written.columns.length; c++) {
        expect(Array.from(frame.columns[c]!.subarray(at, at + written.timestamps.length))).toEqual(Array.from(written.columns[c]!));
      }
    };

    beforeAll(async () => {
      fleet = await openHeadFleet(cluster, 2);
    });
    afterAll(() => fleet?.close());

    it('read via head-1, write changed rows via head-0, read via head-1: the new values', async () => {
      const mine0 = ownedBy('head-0', ids);
      const mine1 = ownedBy('head-1', ids);
      const q = query([mine0, mine1]);
      expectBitEqual(await fleet.read(1, q), await cluster.direct(q));
      const written = [rewrite(mine0, 901), rewrite(mine1, 902)];
      expect(await fleet.write(0, 'daily', written)).toBe(written[0]!.timestamps.length * 2);
      for (const head of [1, 0]) {
        const got = await fleet.read(head, q);
        expectBitEqual(got, await cluster.direct(q));
        expectWritten(got[0]!, written[0]!);
        expectWritten(got[1]!, written[1]!);
      }
      // head-0 forwarded head-1's part of the write; head-1 forwarded the read of head-0's key.
      expect(fleet.stats(0).peerReads).toBeGreaterThan(0);
      expect(fleet.stats(1).peerReads).toBeGreaterThan(0);
    });

    it('the same across a membership change: a head removed and added back serves nothing it cached before', async () => {
      const key = ownedBy('head-1', ids, 1);
      const q = query([key]);
      expectBitEqual(await fleet.read(1, q), await cluster.direct(q)); // cached by head-1, its owner
      fleet.setMembers([fleet.members[0]!]); // head-1 leaves: head-0 owns every key
      const written = rewrite(key, 903);
      await fleet.write(0, 'daily', [written]);
      expectWritten((await fleet.read(1, q))[0]!, written); // head-1 now asks head-0
      fleet.setMembers(fleet.members); // head-1 is back and owns the key again
      const reads = cluster.upstream.reads.length;
      const [got] = await fleet.read(1, q);
      expectBitEqual([got!], await cluster.direct(q));
      expectWritten(got!, written);
      expect(cluster.upstream.reads.length).toBeGreaterThan(reads); // fetched again, not its old copy
      // And a second write through the non-owner reaches the owner's cache.
      const again = rewrite(key, 904);
      await fleet.write(0, 'daily', [again]);
      expectWritten((await fleet.read(1, q))[0]!, again);
    });
  });

  it('owner down: the other head answers its keys from the shards, and writes them through', async () => {
    const fleet = await openHeadFleet(cluster, 2, { retry: { maxAttempts: 3, initialBackoffMs: 5, maxBackoffMs: 20 } });
    try {
      const ids = ['head-0', 'head-1'];
      const theirs = [ownedBy('head-1', ids, 2), ownedBy('head-1', ids, 3)];
      const q: SeriesQuery = { dataset: 'daily', symbols: [ownedBy('head-0', ids, 2), ...theirs], range: { start: utc(2012), end: utc(2013, 3) } };
      expectBitEqual(await fleet.read(0, q), await cluster.direct(q));
      await fleet.stopHead(1);
      fleet.stats(0, true);
      expectBitEqual(await fleet.read(0, q), await cluster.direct(q));
      let stats = fleet.stats(0);
      expect(stats.peerFallbacks).toBe(1);
      expect(stats.peerErrors).toBe(3);
      expect(stats.peerReads).toBe(3);

      const written = marketFrame(theirs[0]!, daily.fields, utc(2012, 6), utc(2012, 7), DAY_MS, 905);
      expect(await fleet.write(0, 'daily', [written])).toBe(written.timestamps.length);
      stats = fleet.stats(0);
      expect(stats.peerFallbacks).toBe(2);
      const got = await fleet.read(0, q);
      expectBitEqual(got, await cluster.direct(q));
      const at = got[1]!.timestamps.indexOf(written.timestamps[0]!);
      expect(Array.from(got[1]!.columns[3]!.subarray(at, at + written.timestamps.length))).toEqual(Array.from(written.columns[3]!));
    } finally {
      await fleet.close();
    }
  });

  it('a read another head forwarded is served where it lands, never forwarded again (views that disagree cannot loop)', async () => {
    const fleet = await openHeadFleet(cluster, 2);
    try {
      // head-0 sees only head-1 (which then owns every key), head-1 sees only head-0: each would send every key to the other.
      fleet.memberships[0]!.set([fleet.members[1]!]);
      fleet.memberships[1]!.set([fleet.members[0]!]);
      fleet.stats(0, true);
      fleet.stats(1, true);
      const q: SeriesQuery = { dataset: 'daily', symbols: [SYMBOLS[5]!, SYMBOLS[6]!], range: { start: utc(2011), end: utc(2011, 5) } };
      expectBitEqual(await headRead(fleet.clients[0]!, q), await cluster.direct(q));
      const [s0, s1] = [fleet.stats(0), fleet.stats(1)];
      expect(s0.peerReads).toBe(1);
      expect(s1.peerReads).toBe(0);
      // head-1 served keys it does not own: from the shards, without keeping a copy.
      expect(s1.upstreamRequests).toBeGreaterThan(0);
      expect(s1.cacheEntries).toBe(0);
    } finally {
      await fleet.close();
    }
  });
});
