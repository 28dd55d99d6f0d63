import { LoadWorkload, loadTestJson, runLoadTest, type LoadAddresses, type LoadMode, type LoadTestResult, type LoadUniverse } from '@florin/cli';
import type { SampleMarket } from '@florin/store';
import { amplificationBreakdown, type AmplificationBreakdown } from './amplification-breakdown.js';
import { progress } from './bench-options.js';

/** The load-test part of bench:head: the same seeded workload through the heads, with coalescing off, and straight to the shards. */
export interface HeadLoadResults {
  readonly heads: LoadTestResult;
  readonly noCoalesce: LoadTestResult;
  readonly direct: LoadTestResult;
  readonly breakdown: AmplificationBreakdown;
}

export interface HeadLoadSettings {
  readonly clients: number;
  readonly requests: number;
  readonly symbolsPerRequest: number;
  readonly minWindowBars: number;
  readonly seed: number;
}

/**
 * Runs the three modes in this order: through the heads first, while their
 * caches are cold (the other two modes never touch the caches), then with
 * coalescing off, then direct. Throws if any request failed.
 */
export async function runHeadLoadTests(addresses: LoadAddresses, market: SampleMarket, universe: LoadUniverse, settings: HeadLoadSettings): Promise<HeadLoadResults> {
  const run = async (mode: LoadMode): Promise<LoadTestResult> => {
    progress(`load test (${mode}): ${settings.requests} requests, ${settings.clients} clients x ${settings.symbolsPerRequest} symbols ...`);
    let shown = 0;
    const r = await runLoadTest({
      mode,
      addresses,
      universe,
      ...settings,
      onProgress: (p) => {
        if (p.done - shown >= settings.requests / 4 || p.done === settings.requests) {
          shown = p.done;
          progress(`  ${p.done}/${settings.requests} requests, ${(p.elapsedMs / 1000).toFixed(1)} s`);
        }
      },
    });
    if (r.errors > 0) throw new Error(`load test (${mode}): ${r.errors} requests failed: ${r.errorMessages.join('; ')}`);
    const json = loadTestJson(r);
    progress(`  amplification ${String(json.amplification)}, ${String(json.requestsPerSec)} req/s, p50 ${String(json.p50Ms)} ms`);
    return r;
  };
  const heads = await run('heads');
  const noCoalesce = await run('no-coalesce');
  const direct = await run('direct');
  const breakdown = amplificationBreakdown({
    workload: new LoadWorkload(universe, { symbolsPerRequest: settings.symbolsPerRequest, minWindowBars: settings.minWindowBars, seed: settings.seed }),
    requests: heads.requests,
    tradingDays: market.timestamps,
    frequency: market.dataset.frequency,
    distinctPoints: heads.distinctPoints,
    upstreamPoints: heads.upstreamPoints,
  });
  return { heads, noCoalesce, direct, breakdown };
}
