import { seriesKey, type ReadQuery, type WriteRequestMessage } from '@florin/core';
import type { HeadStats } from './head-stats.js';
import type { RetryPolicy } from './options.js';
import type { PeerSet } from './peer-set.js';
import { assembleFromFrames, type HeadReadResult, type SeriesPieces } from './read-result.js';
import { withRetry } from './retry.js';
import { isUpstreamFailure, remainingMs, upstreamError } from './upstream.js';

const NEVER = new AbortController().signal;

/** Per-call options of a peer call. */
export interface PeerCallOptions {
  signal?: AbortSignal;
  /** false: the owner bypasses its cache too. */
  coalesce?: boolean;
}

/**
 * The calls a head makes to the owning heads of keys it does not own: a peer
 * Read or Write, retried like an upstream call (UNAVAILABLE only, within the
 * deadline) and counted (peerReads per attempt, peerErrors per failed
 * attempt). When the owner stays UNAVAILABLE, `fallback` serves the part
 * through the shards instead (counted in peerFallbacks).
 */
export class PeerCalls {
  constructor(
    private readonly peers: PeerSet,
    private readonly stats: HeadStats,
    private readonly retry: RetryPolicy,
  ) {}

  /** The items grouped by the id of the head owning each one's key, each group in input order. */
  groupByOwner<T>(dataset: string, items: readonly T[], symbolOf: (item: T) => string): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) {
      const owner = this.peers.ownerOfKey(seriesKey(dataset, symbolOf(item)));
      let g = groups.get(owner);
      if (!g) groups.set(owner, (g = []));
      g.push(item);
    }
    return groups;
  }

  read(owner: string, query: ReadQuery, options: PeerCallOptions, deadlineAt: number, fallback: () => Promise<HeadReadResult>): Promise<HeadReadResult> {
    const request = { dataset: query.dataset.name, symbols: query.symbols, fields: query.fields, range: query.range };
    // Each attempt takes the owner's client of the moment: a retry after the owner was replaced goes to its new address.
    return this.call(
      (deadline) => this.peers.currentClient(owner).read(request, { signal: options.signal, deadlineMs: remainingMs(deadline), coalesce: options.coalesce }).then((f) => assembleFromFrames(query, f)),
      options.signal,
      deadlineAt,
      fallback,
    );
  }

  write(owner: string, part: WriteRequestMessage, options: PeerCallOptions, deadlineAt: number, fallback: () => Promise<number>): Promise<number> {
    return this.call((deadline) => this.peers.currentClient(owner).forwardWrite(part, { signal: options.signal, deadlineMs: remainingMs(deadline) }), options.signal, deadlineAt, fallback);
  }

  private async call<T>(attempt: (deadline: number) => Promise<T>, callerSignal: AbortSignal | undefined, deadlineAt: number, fallback: () => Promise<T>): Promise<T> {
    const signal = callerSignal ?? NEVER;
    try {
      return await withRetry(
        async (deadline) => {
          this.stats.add('peerReads');
          try {
            return await attempt(deadline);
          } catch (err) {
            if (isUpstreamFailure(upstreamError(err)) && !signal.aborted) this.stats.add('peerErrors');
            throw err;
          }
        },
        { policy: this.retry, signal, deadlineMs: () => deadlineAt },
      );
    } catch (err) {
      const e = upstreamError(err);
      if (e.code !== 'UNAVAILABLE' || signal.aborted) throw e;
      this.stats.add('peerFallbacks');
      return fallback();
    }
  }
}

/** Parts of one read answered by different heads, merged back into the read's symbol order. */
export function mergeParts(query: ReadQuery, parts: readonly HeadReadResult[]): HeadReadResult {
  const bySymbol = new Map<string, SeriesPieces>();
  let points = 0;
  for (const part of parts) {
    points += part.points;
    for (const s of part.series) bySymbol.set(s.symbol, s);
  }
  return { fields: query.fields, series: query.symbols.map((symbol) => bySymbol.get(symbol) ?? { symbol, pieces: [] }), points };
}

