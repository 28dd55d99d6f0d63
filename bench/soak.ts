import { cpus, loadavg } from 'node:os';
import { DataClient } from '@florin/client';
import { headTargets } from '@florin/cli';
import { generateMarket } from '@florin/store';
import { benchCommand, integerOption, positiveNumberOption, progress, runBench } from './lib/bench-options.js';
import { startProcessCluster, type BenchCluster } from './lib/bench-cluster.js';
import { processRssMb } from './lib/process-rss.js';
import { formatCount, printReport } from './lib/report.js';
import { SoakClients } from './lib/soak-clients.js';
import { withTempDir } from './lib/temp-dir.js';

interface SoakOptions {
  json: boolean;
  minutes: number;
  clients: number;
  channels: number;
  cacheMb: number;
  answerMb?: number;
  inflightMb?: number;
  maxReads?: number;
  symbols: number;
  years: number;
  shards: number;
  heads: number;
  thinkMs: number;
  maxSymbols: number;
  sampleSeconds: number;
  verifyEvery: number;
  nodeArgs: string[];
  seed: number;
}

/** Headroom over the cache limit a head's RSS must stay under (issue #13). */
const RSS_HEADROOM_MB = 200;

/** One RSS sample of every head: seconds since the clients started, MiB per head (undefined: gone). */
interface RssSample {
  readonly at: number;
  readonly rssMb: readonly (number | undefined)[];
  readonly cacheMb: readonly number[];
  /** The heads' counters summed (cumulative): points served, and points fetched from the shards; undefined when stats failed. */
  readonly served: number | undefined;
  readonly upstream: number | undefined;
}

const program = benchCommand(
  'soak',
  'Memory under load: simulated QCU clients reading overlapping windows through the head nodes of a local cluster (one process per head and shard, like `florin up`) ' +
    "for --minutes; each head's RSS over time against its cache limit, errors, and points/s per minute.",
)
  .option('--minutes <n>', 'how long the clients read', positiveNumberOption('--minutes'), 10)
  .option('--clients <n>', 'simulated QCU clients, one read in flight each', integerOption('--clients', 1, 100_000), 1_000)
  .option('--channels <n>', 'SDK DataClients the clients share (each has its own connections to the heads)', integerOption('--channels', 1, 10_000), 50)
  .option('--cache-mb <n>', "each head's cache limit (florin head --cache-mb)", integerOption('--cache-mb', 1, 1_000_000), 64)
  .option('--max-reads <n>', "each head's bound on callers' reads served at once (florin head --max-reads; default the head's)", integerOption('--max-reads', 1, 1_000_000))
  .option('--answer-mb <n>', "each head's bound on answers queued for callers (florin head --answer-mb; default the head's)", integerOption('--answer-mb', 1, 1_000_000))
  .option('--inflight-mb <n>', "each head's bound on upstream fetches in flight (florin head --inflight-mb; default the head's)", integerOption('--inflight-mb', 1, 1_000_000))
  .option('--symbols <n>', 'symbols in the sample market', integerOption('--symbols', 1, 100_000), 500)
  .option('--years <n>', 'years of daily bars in the sample market', integerOption('--years', 1, 100), 10)
  .option('--shards <n>', 'shard processes', integerOption('--shards', 1, 16), 2)
  .option('--heads <n>', 'head-node processes', integerOption('--heads', 1, 16), 2)
  .option('--think-ms <n>', "a client's mean pause between reads (its compute)", integerOption('--think-ms', 0), 1_000)
  .option('--max-symbols <n>', 'most symbols of one read', integerOption('--max-symbols', 1), 10)
  .option('--sample-seconds <s>', 'seconds between RSS samples', positiveNumberOption('--sample-seconds'), 5)
  .option('--verify-every <n>', 'every n-th read is checked bit for bit against the market', integerOption('--verify-every', 1), 25)
  .option('--node-args <flags>', 'Node.js flags of the role processes, space-separated (e.g. "--max-semi-space-size=2")', (v: string) => v.split(/\s+/).filter(Boolean), [])
  .option('--seed <n>', 'seed of the clients\' queries', integerOption('--seed', 0), 7);

runBench(async () => {
  const o = program.parse().opts<SoakOptions>();
  await withTempDir('florin-bench-soak', async (dir) => {
    const market = { symbols: o.symbols, years: o.years, seed: 42 };
    const sampleMarket = generateMarket(market);
    let cluster: BenchCluster | undefined;
    const data: DataClient[] = [];
    let clients: SoakClients | undefined;
    let sampler: NodeJS.Timeout | undefined;
    try {
      cluster = await startProcessCluster({ dir, shards: o.shards, heads: o.heads, market, headArgs: headArgs(o), nodeArgs: o.nodeArgs });
      const targets = headTargets(cluster.heads);
      for (let i = 0; i < Math.min(o.channels, o.clients); i++) data.push(new DataClient({ heads: targets }));
      const statsClient = data[0]!;
      const samples: RssSample[] = [];
      const started = performance.now();
      const pids = cluster.headPids;
      const takeSample = async (): Promise<void> => {
        const rssMb = pids.map(processRssMb);
        const stats = await statsClient.stats().catch(() => undefined);
        const sum = (pick: (h: NonNullable<typeof stats>[number]) => unknown): number | undefined => (stats ? stats.reduce((n, h) => n + Number(pick(h)), 0) : undefined);
        samples.push({
          at: (performance.now() - started) / 1000,
          rssMb,
          cacheMb: stats ? stats.map((s) => Number(s.cacheBytes) / 2 ** 20) : [],
          served: sum((h) => h.pointsServed),
          upstream: sum((h) => h.upstreamPoints),
        });
      };
      await takeSample();
      progress(`${o.clients} clients reading for ${o.minutes} min through ${o.heads} heads (cache ${o.cacheMb} MiB each) ...`);
      clients = new SoakClients(data, sampleMarket, { clients: o.clients, thinkMs: o.thinkMs, maxSymbols: o.maxSymbols, verifyEvery: o.verifyEvery, seed: o.seed });
      clients.start();
      sampler = setInterval(() => {
        void takeSample().then(() => {
          const last = samples[samples.length - 1]!;
          const m = clients!.minutes[clients!.minutes.length - 1];
          progress(`  ${last.at.toFixed(0)} s: head RSS ${last.rssMb.map((r) => (r === undefined ? 'gone' : r.toFixed(0))).join(' / ')} MiB, cache ${last.cacheMb.map((c) => c.toFixed(0)).join(' / ')} MiB; this minute ${formatCount(m?.reads ?? 0)} reads, ${m?.errors ?? 0} errors`);
        });
      }, o.sampleSeconds * 1000);
      await new Promise((resolve) => setTimeout(resolve, o.minutes * 60_000));
      clearInterval(sampler);
      sampler = undefined;
      await clients.stop();
      await takeSample();
      report(o, samples, clients, pids.length);
    } finally {
      if (sampler) clearInterval(sampler);
      await clients?.stop();
      for (const d of data) d.close();
      await cluster?.stop();
    }
  });
});

function headArgs(o: SoakOptions): string[] {
  const args = ['--cache-mb', String(o.cacheMb)];
  if (o.answerMb !== undefined) args.push('--answer-mb', String(o.answerMb));
  if (o.inflightMb !== undefined) args.push('--inflight-mb', String(o.inflightMb));
  if (o.maxReads !== undefined) args.push('--max-reads', String(o.maxReads));
  return args;
}

function report(o: SoakOptions, samples: readonly RssSample[], clients: SoakClients, heads: number): void {
  const minuteCount = Math.ceil(o.minutes);
  const minutes = clients.minutes.slice(0, minuteCount);
  const seconds = (i: number): number => Math.min(60, o.minutes * 60 - 60 * i);
  const maxOf = (xs: readonly (number | undefined)[]): number => Math.max(0, ...xs.filter((x): x is number => x !== undefined));
  const headMax = Array.from({ length: heads }, (_, h) => maxOf(samples.map((s) => s.rssMb[h])));
  const maxRssMb = Math.max(...headMax);
  const errors = clients.minutes.reduce((n, m) => n + m.errors, 0);
  const pointsPerSec = minutes.map((m, i) => Math.round(m.points / seconds(i)));
  const inMinute = (i: number): RssSample[] => samples.filter((s) => s.at >= 60 * i && s.at < 60 * (i + 1));
  const upstreamShare = minutes.map((_, i) => upstreamShareIn(samples, 60 * i, 60 * (i + 1)));
  const rows = minutes.map((m, i) => [
    i + 1,
    formatCount(m.reads),
    formatCount(pointsPerSec[i]!),
    upstreamShare[i] === null ? 'n/a' : `${(upstreamShare[i]! * 100).toFixed(1)}%`,
    m.errors,
    m.verified,
    ...Array.from({ length: heads }, (_, h) => maxOf(inMinute(i).map((s) => s.rssMb[h])).toFixed(0)),
  ]);
  // Decay: the last full minute's points/s over the first full minute's (1 = none).
  const full = pointsPerSec.filter((_, i) => seconds(i) === 60);
  const decay = full.length >= 2 ? Math.round((full[full.length - 1]! / full[0]!) * 1000) / 1000 : null;
  // The last full minute against the best one: a decline after the first minute's warm-up shows here.
  const overPeak = full.length >= 2 ? Math.round((full[full.length - 1]! / Math.max(...full)) * 1000) / 1000 : null;
  const limit = o.cacheMb + RSS_HEADROOM_MB;
  printReport(
    {
      title: `soak: ${o.clients} simulated QCU clients over ${o.channels} SDK clients, ${o.minutes} min, heads with --cache-mb ${o.cacheMb} (RSS target < ${limit} MiB)`,
      head: ['minute', 'reads', 'points/s', 'fetched upstream / served', 'errors', 'verified', ...Array.from({ length: heads }, (_, h) => `head-${h} max RSS MiB`)],
      rows,
      notes: [
        `max head RSS ${maxRssMb.toFixed(0)} MiB against cache limit ${o.cacheMb} MiB + ${RSS_HEADROOM_MB} = ${limit} MiB: ${maxRssMb < limit ? 'within' : 'OVER'} the target`,
        `errors ${errors}${clients.firstError ? ` (first: ${clients.firstError})` : ''}; throughput last/first full minute ${decay ?? 'n/a (under two full minutes)'}, last/best ${overPeak ?? 'n/a'}`,
        `machine: ${cpus().length} CPUs, node ${process.version}, load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      ],
      result: {
        bench: 'soak',
        minutes: o.minutes,
        clients: o.clients,
        channels: o.channels,
        heads,
        cacheLimitMb: o.cacheMb,
        headArgs: headArgs(o),
        rssLimitMb: limit,
        maxRssMb: Math.round(maxRssMb),
        withinTarget: maxRssMb < limit && errors === 0,
        errors,
        firstError: clients.firstError ?? null,
        reads: clients.minutes.reduce((n, m) => n + m.reads, 0),
        verified: clients.minutes.reduce((n, m) => n + m.verified, 0),
        pointsPerSecByMinute: pointsPerSec,
        throughputLastOverFirst: decay,
        throughputLastOverPeak: overPeak,
        upstreamShareByMinute: upstreamShare.map((x) => (x === null ? null : Math.round(x * 10_000) / 10_000)),
        rssMbByHead: Array.from({ length: heads }, (_, h) => samples.map((s) => [Math.round(s.at), s.rssMb[h] === undefined ? null : Math.round(s.rssMb[h])])),
        cacheMbByHead: Array.from({ length: heads }, (_, h) => samples.map((s) => [Math.round(s.at), s.cacheMb[h] === undefined ? null : Math.round(s.cacheMb[h])])),
        loadAverage: loadavg(),
        env: { node: process.version, cpus: cpus().length },
      },
    },
    { json: o.json },
  );
}

/**
 * Points the heads fetched from the shards over points they served, between
 * the first samples at or after `from` and at or after `to` seconds (the last
 * sample when none is that late); null without two samples with counters.
 */
function upstreamShareIn(samples: readonly RssSample[], from: number, to: number): number | null {
  const withCounters = samples.filter((x) => x.served !== undefined && x.upstream !== undefined);
  const a = withCounters.find((x) => x.at >= from);
  const b = withCounters.find((x) => x.at >= to) ?? withCounters[withCounters.length - 1];
  if (!a || !b || b === a) return null;
  const served = b.served! - a.served!;
  return served > 0 ? (b.upstream! - a.upstream!) / served : null;
}
