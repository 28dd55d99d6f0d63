import { ChunkGrid, DEFAULT_CHUNK_BARS, DEFAULT_HEAD_OPTIONS } from '@florin/head';
import type { LoadWorkload } from '@florin/cli';

/** Where a through-the-heads run's upstream points come from, beyond the distinct points it asked for. */
export interface AmplificationBreakdown {
  /** Points of every (symbol, chunk) some request touched: what a perfect chunk cache fetches, once each. */
  readonly chunkAlignedPoints: number;
  /** chunkAlignedPoints / distinct points: the slack of fetching whole chunks (rows near window edges nobody asked for). */
  readonly alignment: number;
  /** (upstream - chunkAligned) / distinct: chunks fetched more than once (live edge, eviction). */
  readonly refetch: number;
  /** Chunks whose end is newer than now - freshness: served, never cached. */
  readonly liveChunks: readonly number[];
  /** (request, symbol) reads that touched a live chunk; each refetches it unless it joins a fetch in flight. */
  readonly liveEdgeReads: number;
  /** Points those reads fetch if none joins another: an upper bound of the live-edge refetch. */
  readonly liveEdgePointsMax: number;
}

/**
 * Replays a run's requests on the heads' default chunk grid (the bench's
 * heads run with defaults) over the market's trading days, which every
 * symbol shares, and splits the amplification into chunk-alignment slack and
 * refetches. `requests` must be the run's request count (indices 0..n-1).
 */
export function amplificationBreakdown(args: {
  workload: LoadWorkload;
  requests: number;
  tradingDays: Float64Array;
  frequency: string;
  distinctPoints: number;
  upstreamPoints: number;
  now?: number;
}): AmplificationBreakdown {
  const { workload, requests, tradingDays, distinctPoints, upstreamPoints } = args;
  const fields = workload.universe.fields.length;
  const grid = ChunkGrid.forFrequency(args.frequency, DEFAULT_CHUNK_BARS[args.frequency] ?? DEFAULT_HEAD_OPTIONS.defaultChunkBars);
  const rowsIn = new Map<number, number>();
  for (const t of tradingDays) rowsIn.set(grid.chunkOf(t), (rowsIn.get(grid.chunkOf(t)) ?? 0) + 1);
  const finalBefore = (args.now ?? Date.now()) - DEFAULT_HEAD_OPTIONS.freshnessMs;
  const liveChunks = [...rowsIn.keys()].filter((c) => grid.startOf(c + 1) > finalBefore).sort((a, b) => a - b);
  const touched = new Map<string, Set<number>>();
  let liveEdgeReads = 0;
  let liveEdgeRows = 0;
  for (let i = 0; i < requests; i++) {
    const q = workload.query(i);
    const span = grid.spanOf(q.range);
    for (const symbol of q.symbols) {
      let chunks = touched.get(symbol);
      if (!chunks) touched.set(symbol, (chunks = new Set()));
      for (let c = span.first; c < span.end; c++) chunks.add(c);
      const live = liveChunks.filter((c) => c >= span.first && c < span.end);
      if (live.length > 0) {
        liveEdgeReads++;
        for (const c of live) liveEdgeRows += rowsIn.get(c) ?? 0;
      }
    }
  }
  let alignedRows = 0;
  for (const chunks of touched.values()) for (const c of chunks) alignedRows += rowsIn.get(c) ?? 0;
  const chunkAlignedPoints = alignedRows * fields;
  return {
    chunkAlignedPoints,
    alignment: chunkAlignedPoints / distinctPoints,
    refetch: (upstreamPoints - chunkAlignedPoints) / distinctPoints,
    liveChunks,
    liveEdgeReads,
    liveEdgePointsMax: liveEdgeRows * fields,
  };
}
