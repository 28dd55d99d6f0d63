/**
 * Kernel pool benchmark: the piscina-backed KernelPool of @florin/qcu against
 * the hand-written pool it replaced (bench/lib/hand-written-kernel-pool.ts), in
 * the same process and run, on the demo's shape: the momentum kernel of
 * @florin/examples over 500 series of 2,520 daily closes, on 2 threads.
 *
 * Two shapes per pass, every run of a pass submitted at once (as a QCU with
 * concurrency does): "task" = runs of 24 series (the demo's 21 tasks), and
 * "series" = 500 runs of one series each (many small runs). Rounds alternate
 * which pool goes first; the table gives the median and interquartile range of
 * a pass, and checks that both pools return the same bits.
 *
 *   npm run bench:kernels -- [--rounds 15] [--threads 2] [--json]
 */
import { momentumKernel } from '@florin/examples';
import { KernelPool } from '@florin/qcu';
import { benchCommand, integerOption, progress, runBench } from './lib/bench-options.js';
import { HandWrittenKernelPool } from './lib/hand-written-kernel-pool.js';
import { formatMs, printReport } from './lib/report.js';

interface Options {
  json: boolean;
  rounds: number;
  threads: number;
  series: number;
  closes: number;
}

interface Pool {
  run(kernel: typeof momentumKernel, inputs: readonly Float64Array[], params: { lookback: number; skip: number }): Promise<Float64Array[]>;
  warm(): void;
  close(): Promise<void>;
}

const PARAMS = { lookback: 252, skip: 21 };
const TASK_SERIES = 24;

/** Deterministic random-walk closes (xorshift32), so every run measures the same data. */
function makeCloses(series: number, length: number): Float64Array[] {
  let state = 0x9e3779b9;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  return Array.from({ length: series }, () => {
    const out = new Float64Array(length);
    let price = 10 + next() * 300;
    for (let i = 0; i < length; i++) {
      price *= 1 + (next() - 0.5) * 0.04;
      out[i] = price;
    }
    return out;
  });
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Wall time of a pass, and CPU time of the whole process (every thread) during it: the steadier figure on a shared machine. */
async function pass(pool: Pool, runs: readonly (readonly Float64Array[])[]): Promise<{ ms: number; cpuMs: number; outputs: Float64Array[][] }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const outputs = await Promise.all(runs.map((inputs) => pool.run(momentumKernel, inputs, PARAMS)));
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, outputs };
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

function summary(samples: readonly number[]): { median: number; p25: number; p75: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p25: quantile(sorted, 0.25), p75: quantile(sorted, 0.75) };
}

function sameBits(a: readonly Float64Array[][], b: readonly Float64Array[][]): boolean {
  if (a.length !== b.length) return false;
  return a.every((run, i) =>
    run.length === b[i]!.length &&
    run.every((out, j) => {
      const x = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
      const y = new Uint8Array(b[i]![j]!.buffer, b[i]![j]!.byteOffset, b[i]![j]!.byteLength);
      return x.length === y.length && x.every((v, k) => v === y[k]);
    }),
  );
}

async function main(): Promise<void> {
  const options = benchCommand('bench:kernels', 'piscina KernelPool vs the hand-written pool on the momentum kernel')
    .option('--rounds <n>', 'measured passes per pool and shape', integerOption('--rounds', 3, 1000), 15)
    .option('--threads <n>', 'worker threads per pool', integerOption('--threads', 1, 64), 2)
    .option('--series <n>', 'close series', integerOption('--series', 1, 100_000), 500)
    .option('--closes <n>', 'closes per series', integerOption('--closes', 300, 1_000_000), 2520)
    .parse()
    .opts<Options>();
  const closes = makeCloses(options.series, options.closes);
  const shapes = [
    { name: `task (${TASK_SERIES} series a run)`, runs: chunk(closes, TASK_SERIES) },
    { name: 'series (1 series a run)', runs: chunk(closes, 1) },
  ];
  const pools: { name: string; pool: Pool }[] = [
    { name: 'hand-written', pool: new HandWrittenKernelPool({ threads: options.threads }) },
    { name: 'piscina', pool: new KernelPool({ threads: options.threads }) },
  ];
  const rows: (string | number)[][] = [];
  const result: Record<string, unknown> = { threads: options.threads, series: options.series, closes: options.closes, rounds: options.rounds, shapes: {} };
  try {
    for (const { pool } of pools) pool.warm();
    for (const shape of shapes) {
      progress(`${shape.name}: ${shape.runs.length} runs a pass, ${options.rounds} rounds`);
      const samples = new Map<string, number[]>(pools.map((p) => [p.name, []]));
      const cpuSamples = new Map<string, number[]>(pools.map((p) => [p.name, []]));
      const firsts = await Promise.all(pools.map(async (p) => (await pass(p.pool, shape.runs)).outputs)); // warm-up, and the bit check
      if (!sameBits(firsts[0]!, firsts[1]!)) throw new Error(`${shape.name}: the two pools returned different bits`);
      for (const p of pools) for (let i = 0; i < 2; i++) await pass(p.pool, shape.runs);
      for (let round = 0; round < options.rounds; round++) {
        const order = round % 2 === 0 ? pools : [...pools].reverse();
        for (const p of order) {
          const { ms, cpuMs } = await pass(p.pool, shape.runs);
          samples.get(p.name)!.push(ms);
          cpuSamples.get(p.name)!.push(cpuMs);
        }
      }
      const wall = Object.fromEntries(pools.map((p) => [p.name, summary(samples.get(p.name)!)]));
      const cpu = Object.fromEntries(pools.map((p) => [p.name, summary(cpuSamples.get(p.name)!)]));
      const base = wall['hand-written']!.median;
      const cpuBase = cpu['hand-written']!.median;
      for (const p of pools) {
        const w = wall[p.name]!;
        const c = cpu[p.name]!;
        rows.push([
          shape.name,
          p.name,
          shape.runs.length,
          formatMs(w.median),
          `${formatMs(w.p25)}-${formatMs(w.p75)}`,
          `${((w.median / base - 1) * 100).toFixed(1)}%`,
          formatMs(c.median),
          `${formatMs(c.p25)}-${formatMs(c.p75)}`,
          `${((c.median / cpuBase - 1) * 100).toFixed(1)}%`,
        ]);
      }
      (result['shapes'] as Record<string, unknown>)[shape.name] = {
        runs: shape.runs.length,
        wallMs: wall,
        cpuMs: cpu,
        samples: { wallMs: Object.fromEntries(samples), cpuMs: Object.fromEntries(cpuSamples) },
      };
    }
  } finally {
    await Promise.all(pools.map((p) => p.pool.close()));
  }
  printReport(
    {
      title: `Kernel pools: momentum over ${options.series} series x ${options.closes} closes, ${options.threads} threads, ${options.rounds} rounds (ms a pass; CPU = every thread of the process)`,
      head: ['shape', 'pool', 'runs/pass', 'wall ms (median)', 'wall p25-p75', 'wall vs hand-written', 'CPU ms (median)', 'CPU p25-p75', 'CPU vs hand-written'],
      rows,
      notes: ['Both pools returned bit-identical outputs.'],
      result,
    },
    { json: options.json },
  );
}

runBench(main);
