import { describe, expect, it } from 'vitest';
import { HeadRing } from '@florin/core';

const KEYS = 20_000;
const SYMBOLS = Array.from({ length: KEYS }, (_, i) => `S${i.toString(36).toUpperCase()}`);
const TOLERANCE = 0.02;

const nodes = (n: number): string[] => Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}:7100`);

function owners(ring: HeadRing, dataset = 'bars'): string[] {
  return SYMBOLS.map((s) => ring.ownerOf(dataset, s));
}

describe('HeadRing (rendezvous hashing)', () => {
  for (const n of [4, 8, 16]) {
    describe(`with ${n} head nodes`, () => {
      const ring = new HeadRing(nodes(n));
      const before = owners(ring);

      it('adding a node moves at most 1/(N+1) of the keys (plus tolerance), all of them to the new node', () => {
        const added = '10.9.9.9:7100';
        const after = owners(ring.with(added));
        let moved = 0;
        for (let i = 0; i < KEYS; i++) {
          if (after[i] === before[i]) continue;
          moved++;
          expect(after[i], `key ${SYMBOLS[i]} moved to ${after[i]}`).toBe(added);
        }
        expect(moved / KEYS).toBeLessThanOrEqual(1 / (n + 1) + TOLERANCE);
        // And the new node does take its share.
        expect(moved / KEYS).toBeGreaterThanOrEqual(1 / (n + 1) - TOLERANCE);
      });

      it("removing a node moves exactly that node's keys, spread over the others", () => {
        const removed = ring.nodes[1]!;
        const after = owners(ring.without(removed));
        const receivers = new Set<string>();
        for (let i = 0; i < KEYS; i++) {
          if (before[i] === removed) {
            expect(after[i]).not.toBe(removed);
            receivers.add(after[i]!);
          } else {
            expect(after[i], `key ${SYMBOLS[i]} of ${before[i]} moved`).toBe(before[i]);
          }
        }
        expect(receivers.size).toBe(n - 1);
      });

      it('balances the keys: every node owns between 0.8/N and 1.2/N of them', () => {
        const counts = new Map<string, number>(ring.nodes.map((node) => [node, 0]));
        for (const owner of before) counts.set(owner, counts.get(owner)! + 1);
        for (const [node, count] of counts) {
          expect(count / KEYS, `share of ${node}`).toBeGreaterThan(0.8 / n);
          expect(count / KEYS, `share of ${node}`).toBeLessThan(1.2 / n);
        }
      });
    });
  }

  it('does not depend on the order of the node list, and separates datasets', () => {
    const list = nodes(8);
    const a = new HeadRing(list);
    const b = new HeadRing([...list].reverse());
    const sample = SYMBOLS.slice(0, 2_000);
    expect(sample.map((s) => b.ownerOf('bars', s))).toEqual(sample.map((s) => a.ownerOf('bars', s)));
    const differ = sample.filter((s) => a.ownerOf('bars', s) !== a.ownerOf('ticks', s)).length;
    expect(differ / sample.length).toBeGreaterThan(0.75);
  });

  it('groups symbols by owner in input order', () => {
    const ring = new HeadRing(nodes(3));
    const symbols = SYMBOLS.slice(0, 50);
    const groups = ring.group('bars', symbols);
    expect([...groups.values()].flat().sort()).toEqual([...symbols].sort());
    for (const [owner, group] of groups) {
      for (const s of group) expect(ring.ownerOf('bars', s)).toBe(owner);
      expect(group).toEqual(symbols.filter((s) => group.includes(s)));
    }
  });

  it('rejects empty, duplicate and unknown nodes precisely', () => {
    expect(() => new HeadRing([])).toThrow('a HeadRing needs at least one head node');
    expect(() => new HeadRing(['a:1', ''])).toThrow('head node names must be non-empty strings');
    expect(() => new HeadRing(['a:1', 'a:1'])).toThrow('head node a:1 is listed twice');
    const ring = new HeadRing(['a:1']);
    expect(() => ring.with('a:1')).toThrow('head node a:1 is listed twice');
    expect(() => ring.without('b:1')).toThrow('head node b:1 is not in the ring');
    expect(() => ring.without('a:1')).toThrow('a HeadRing needs at least one head node');
    expect(ring.ownerOf('bars', 'X')).toBe('a:1');
  });
});
