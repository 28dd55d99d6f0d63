import { copyFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureMarket, shardFile } from '@florin/cli';
import { generateMarket } from '@florin/store';
import { benchCommand, integerOption, progress, runBench } from './lib/bench-options.js';
import { runBaselineJob, type BaselineRun } from './lib/job-baseline.js';
import { runFlorinJob, type FlorinRun } from './lib/job-florin.js';
import { formatCount, formatMs, printReport } from './lib/report.js';
import { withTempDir } from './lib/temp-dir.js';

interface JobBenchOptions {
  json: boolean;
  symbols: number;
  years: number;
  seed: number;
  shards: number;
  heads: number;
  qcus: number;
  taskSize: number;
  marketDir?: string;
  profile?: string;
}

const program = benchCommand(
  'job',
  "The demo's momentum job (12-1 momentum per symbol, published, then the final backtest) through a local cluster " +
    '(the processes `florin up` starts) against one process that reads the same closes from the same DuckDB files, ' +
    'computes the same signal, appends it to a DuckDB table and runs the same backtest.',
)
  .option('--symbols <n>', 'symbols in the sample market', integerOption('--symbols', 2, 20_000), 500)
  .option('--years <n>', 'years of daily bars', integerOption('--years', 2, 50), 10)
  .option('--seed <n>', 'seed of the sample market', integerOption('--seed', 0), 42)
  .option('--shards <n>', 'shard processes', integerOption('--shards', 1, 16), 2)
  .option('--heads <n>', 'head-node processes', integerOption('--heads', 1, 16), 2)
  .option('--qcus <n>', 'QCU processes', integerOption('--qcus', 1, 64), 4)
  .option('--task-size <n>', 'symbols per task (the demo uses 25)', integerOption('--task-size', 1, 5000), 25)
  .option('--profile <dir>', 'CPU profile of every role process (node --cpu-prof) into <dir>, and window.json (the job, Submit to done, on the monotonic clock): read them with bench/dist/profile-top.js --window <dir>/window.json <dir>/<role>*.cpuprofile')
  .option('--market-dir <dir>', 'where the generated market is kept between runs (default: <tmp>/florin-bench-job/<symbols>x<years>-<seed>-<shards>)');

runBench(async () => {
  const options = program.parse().opts<JobBenchOptions>();
  const market = { symbols: options.symbols, years: options.years, seed: options.seed };
  const marketDir = options.marketDir ?? join(tmpdir(), 'florin-bench-job', `${market.symbols}x${market.years}-${market.seed}-${options.shards}`);
  await mkdir(marketDir, { recursive: true });
  await ensureMarket(marketDir, options.shards, market, progress);
  const sample = generateMarket({ ...market, symbols: 1 });
  const range = { start: sample.timestamps[0]!, end: sample.timestamps[sample.timestamps.length - 1]! + 86_400_000 };
  const dataset = sample.dataset.name;

  progress(`baseline: one process over ${marketDir} ...`);
  const baseline = await withTempDir('florin-bench-job-baseline', (dir) =>
    runBaselineJob({
      shardFiles: Array.from({ length: options.shards }, (_, id) => shardFile(marketDir, id)),
      dataset,
      range,
      dir,
      lookback: 252,
      skip: 21,
      quantile: 0.1,
    }),
  );
  progress(`baseline: ${formatMs(baseline.ms)} ms`);

  progress(`florin: ${options.shards} shards, ${options.heads} heads, coordinator, ${options.qcus} QCUs ...`);
  const florin = await withTempDir('florin-bench-job', async (dir) => {
    // A fresh copy of the market each run: no output rows of an earlier run to upsert over, a new coordinator database.
    for (let id = 0; id < options.shards; id++) await copyFile(shardFile(marketDir, id), shardFile(dir, id));
    await copyFile(join(marketDir, 'market.json'), join(dir, 'market.json'));
    if (!existsSync(join(dir, 'market.json'))) throw new Error('market.json did not copy');
    return runFlorinJob({ dataDir: dir, market, dataset, range, taskSize: options.taskSize, shards: options.shards, heads: options.heads, qcus: options.qcus, ...(options.profile ? { profileDir: options.profile } : {}) });
  });
  progress(`florin: ${formatMs(florin.ms)} ms`);
  report(options, baseline, florin);
  const sharpe = florin.result.sharpe;
  if (!Object.is(sharpe, baseline.result.sharpe)) {
    throw new Error(`the Sharpe ratios differ: florin ${String(sharpe)} vs baseline ${String(baseline.result.sharpe)}`);
  }
});

/** Total CPU ms and its split by role kind (shard, head, coordinator, qcu), e.g. `9,120 (shard 2,400, head 3,100, ...)`. */
function cpuSummary(cpuMs: Readonly<Record<string, number>>): string {
  const byKind = new Map<string, number>();
  for (const [name, ms] of Object.entries(cpuMs)) {
    const kind = name.replace(/-\d+$/, '');
    byKind.set(kind, (byKind.get(kind) ?? 0) + ms);
  }
  if (byKind.size === 0) return 'n/a (no /proc)';
  const total = [...byKind.values()].reduce((a, b) => a + b, 0);
  return `${formatMs(total)} (${[...byKind].map(([k, ms]) => `${k} ${formatMs(ms)}`).join(', ')})`;
}

function report(options: JobBenchOptions, baseline: BaselineRun, florin: FlorinRun): void {
  const ratio = florin.ms / baseline.ms;
  const p = florin.phases;
  const b = baseline.phases;
  const rows: (string | number)[][] = [
    ['wall (submit -> done | read -> backtest)', formatMs(florin.ms), formatMs(baseline.ms)],
    ['read (florin: summed over tasks)', formatMs(p.readMs), formatMs(b.readMs)],
    ['compute (florin: summed over tasks)', formatMs(p.computeMs), formatMs(b.computeMs)],
    ['publish / write (florin: summed over tasks)', formatMs(p.publishMs), formatMs(b.writeMs)],
    ['final step | backtest', `${formatMs(p.finalMs)} (read ${formatMs(p.finalReadMs)}, kernel ${formatMs(p.finalComputeMs)})`, formatMs(b.backtestMs)],
    ['tasks wall (first start -> last end)', formatMs(p.tasksWallMs), ''],
    ['coordinator round trips on the critical path', `${formatMs(p.coordinatorMs)} (submit->first ${p.submitToFirstTaskMs}, ->final ${p.toFinalMs}, final->done ${p.finalToDoneMs})`, ''],
    ['waiting in a QCU for a slot (summed)', formatMs(p.queuedMs), ''],
    ['points read | rows published', `${formatCount(p.pointsRead)} | ${formatCount(p.rowsPublished)}`, `| ${formatCount(baseline.rows)}`],
    ['points the heads fetched from the shards', formatCount(p.upstreamPoints), ''],
    ['CPU used by the processes (user + system)', cpuSummary(p.cpuMs), ''],
    ['Sharpe', String(florin.result.sharpe), String(baseline.result.sharpe)],
  ];
  printReport(
    {
      title: `momentum job, ${options.symbols} symbols x ${options.years} years: Florin (${options.shards} shards, ${options.heads} heads, ${options.qcus} QCUs, ${p.tasks} tasks + final) vs one process`,
      head: ['', 'florin ms', 'baseline ms'],
      rows,
      notes: [
        `ratio florin / baseline: ${ratio.toFixed(2)}x`,
        'Timings on a shared 2-core machine are noisy: quote several runs.',
      ],
      result: {
        symbols: options.symbols,
        florinMs: Math.round(florin.ms),
        baselineMs: Math.round(baseline.ms),
        ratio: Math.round(ratio * 1000) / 1000,
        phases: { florin: p, baseline: b },
        sharpe: { florin: florin.result.sharpe, baseline: baseline.result.sharpe },
      },
    },
    options,
  );
}
