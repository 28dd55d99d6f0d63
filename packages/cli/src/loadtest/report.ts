import Table from 'cli-table3';
import type { LoadTestResult } from './load-result.js';

const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(3));
const ratio = (x: number | null, digits: number): string => (x === null ? 'n/a' : x.toFixed(digits));

function rate(perSec: number): string {
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)} M/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)} k/s`;
  return `${perSec.toFixed(1)} /s`;
}

/** The metrics of one or more runs (one column each), as a readable table. */
export function loadTestTable(results: readonly LoadTestResult[]): string {
  const table = new Table({ head: ['', ...results.map((r) => (r.fleet ? `fleet (${r.mode})` : r.mode))], style: { head: [], border: [] } });
  const row = (label: string, cell: (r: LoadTestResult) => string): void => void table.push([label, ...results.map(cell)]);
  row('requests (errors)', (r) => `${count(r.requests)} (${r.errors})`);
  row('clients x symbols/request', (r) => (r.fleet ? `${r.fleet.generators} generators x ${r.fleet.clientsPerGenerator} x ${r.symbolsPerRequest}` : `${r.clients} x ${r.symbolsPerRequest}`));
  row('elapsed', (r) => `${(r.elapsedMs / 1000).toFixed(2)} s`);
  row('requests/s', (r) => rate(r.requestsPerSec));
  row('points/s', (r) => rate(r.pointsPerSec));
  row('latency p50 / p95 / p99 ms', (r) => `${ms(r.latency.p50Ms)} / ${ms(r.latency.p95Ms)} / ${ms(r.latency.p99Ms)}`);
  row('latency max ms', (r) => ms(r.latency.maxMs));
  row('cache hit ratio', (r) => ratio(r.hitRatio, 3));
  row('points served', (r) => count(r.pointsServed));
  row('distinct points', (r) => count(r.distinctPoints));
  row('upstream points', (r) => count(r.upstreamPoints));
  row('upstream amplification', (r) => ratio(r.amplification, 3));
  row('upstream requests / joins', (r) => (r.heads ? `${count(r.heads.upstreamRequests)} / ${count(r.heads.joins)}` : 'n/a'));
  row('evictions', (r) => (r.heads ? count(r.heads.evictions) : 'n/a'));
  return table.toString();
}

/** Lines explaining what a run's figures mean, and anything that skews them. */
export function loadTestNotes(result: LoadTestResult): string[] {
  const notes = [
    `${result.dataset} [${result.fields.join(', ')}], ${result.universeSymbols} symbols, seed ${result.seed}; target: ${result.target}`,
    result.mode === 'direct'
      ? 'amplification = points the shards answered / distinct (symbol, time) points x fields answered'
      : "amplification = the heads' upstreamPoints / distinct (symbol, time) points x fields answered; hit ratio = hits / (hits + partial + misses) per key",
  ];
  if (result.fleet) {
    notes.push(
      `fleet: job ${result.fleet.jobId}, ${result.fleet.generators} load generators (tasks); requests, points and errors are their sums, latency percentiles ` +
        "those of their merged histograms, elapsed from the first generator's start to the last one's end (the QCUs' clocks); " +
        "hit ratio and amplification from the heads' counters after minus before the job",
    );
  }
  if (result.cacheBytesAtStart !== undefined && result.cacheBytesAtStart > 0) {
    notes.push(
      `the head caches held ${(result.cacheBytesAtStart / 1024 / 1024).toFixed(1)} MiB when the run began: ` +
        'a warm cache lowers upstream traffic, so amplification measures this run only (restart the heads for a cold run)',
    );
  }
  for (const m of result.errorMessages) notes.push(`error: ${m}`);
  return notes;
}
