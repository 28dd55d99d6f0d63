import { seriesKey, stableHash } from './partition.js';

const TWO_32 = 2 ** 32;

/**
 * Which head node owns each series key, by rendezvous (highest-random-weight)
 * hashing: every node draws a weight for the key and the highest wins. Adding
 * a node moves to it exactly the keys where it draws the new highest weight
 * (about 1/(N+1) of them) and nothing else; removing a node moves only that
 * node's keys. Every process with the same node list agrees on every owner.
 *
 * Weights come from stableHash: one SHA-256 per key and one per node (at
 * construction), combined per (node, key) pair by a seeded murmur3 mix, so
 * choosing an owner among N nodes costs one hash plus N integer mixes rather
 * than N SHA-256s. Equal weights (about 2^-32 per pair) go to the node whose
 * name sorts first, so the choice stays deterministic.
 *
 * A ring is immutable: with() and without() return a new one.
 */
export class HeadRing {
  readonly nodes: readonly string[];
  private readonly seeds: Uint32Array;

  constructor(nodes: Iterable<string>) {
    const list = [...nodes];
    if (list.length === 0) throw new TypeError('a HeadRing needs at least one head node');
    const seen = new Set<string>();
    for (const node of list) {
      if (typeof node !== 'string' || node.length === 0) throw new TypeError(`head node names must be non-empty strings, got ${JSON.stringify(node)}`);
      if (seen.has(node)) throw new TypeError(`head node ${node} is listed twice`);
      seen.add(node);
    }
    this.nodes = Object.freeze(list);
    this.seeds = Uint32Array.from(list, (node) => stableHash(`florin-head\u0000${node}`) % TWO_32);
  }

  /** The head node that owns (dataset, symbol). */
  ownerOf(dataset: string, symbol: string): string {
    return this.ownerOfKey(seriesKey(dataset, symbol));
  }

  /** The head node that owns an arbitrary key (e.g. a dataset name, for catalog calls). */
  ownerOfKey(key: string): string {
    const h = stableHash(key);
    const lo = h % TWO_32;
    const hi = Math.floor(h / TWO_32);
    let best = 0;
    let bestWeight = -1;
    for (let i = 0; i < this.seeds.length; i++) {
      const w = weight(this.seeds[i]!, lo, hi);
      if (w > bestWeight || (w === bestWeight && this.nodes[i]! < this.nodes[best]!)) {
        best = i;
        bestWeight = w;
      }
    }
    return this.nodes[best]!;
  }

  /** Symbols grouped by owning node, each group in input order (duplicates kept). */
  group(dataset: string, symbols: Iterable<string>): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const symbol of symbols) {
      const owner = this.ownerOf(dataset, symbol);
      let g = groups.get(owner);
      if (!g) groups.set(owner, (g = []));
      g.push(symbol);
    }
    return groups;
  }

  /** This ring plus `node` (appended). */
  with(node: string): HeadRing {
    return new HeadRing([...this.nodes, node]);
  }

  /** This ring without `node`; throws when it is not a member or is the last one. */
  without(node: string): HeadRing {
    if (!this.nodes.includes(node)) throw new TypeError(`head node ${node} is not in the ring`);
    return new HeadRing(this.nodes.filter((n) => n !== node));
  }
}

/** murmur3_x86_32 of the two key words (lo, hi) with the node's seed: a node's weight for a key, in [0, 2^32). */
function weight(seed: number, lo: number, hi: number): number {
  let h = seed;
  h = mixWord(h, lo);
  h = mixWord(h, hi);
  h ^= 8;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
