// Discovery traffic against the Cloud Map API: 50,000 QCUs and 5,000 head nodes over ten simulated minutes,
// with and without revision polling, and the recommended design. No network; simulated time.
//   npm run bench:discovery -- [--json] [--qcus N] [--heads N] ...
import { benchCommand, integerOption, positiveNumberOption, runBench } from './lib/bench-options.js';
import { formatCount, printReport } from './lib/report.js';
import { type SimParams, simulate } from './lib/discovery-sim.js';

const QUOTA_PER_SEC = 1_000; // DiscoverInstances, steady, per account and Region
const REVISION_QUOTA_PER_SEC = 3_000; // DiscoverInstancesRevision
const INSTANCES_PER_SERVICE = 1_000; // not adjustable

const program = benchCommand('discovery', 'simulated Cloud Map API load of a large fleet')
  .option('--qcus <n>', 'QCUs', integerOption('--qcus'), 50_000)
  .option('--heads <n>', 'head nodes', integerOption('--heads'), 5_000)
  .option('--shards <n>', 'shard tasks', integerOption('--shards', 1, INSTANCES_PER_SERVICE), 256)
  .option('--minutes <n>', 'simulated minutes', integerOption('--minutes'), 10)
  .option('--group-size <n>', 'head nodes per head-group service (<= 1000)', integerOption('--group-size', 1, INSTANCES_PER_SERVICE), 900)
  .option('--poll-sec <s>', 'poll interval of every process in the naive designs', positiveNumberOption('--poll-sec'), 10)
  .option('--head-replacements-per-min <n>', 'head-task replacements per minute', positiveNumberOption('--head-replacements-per-min'), 10)
  .option('--shard-replacements-per-min <n>', 'shard-task replacements per minute', positiveNumberOption('--shard-replacements-per-min'), 1)
  .option('--qcu-starts-per-sec <n>', 'QCU starts per second (Spot churn, scaling)', positiveNumberOption('--qcu-starts-per-sec'), 7)
  .option('--watchers <n>', 'recommended design: heads per service that poll Cloud Map', integerOption('--watchers'), 3)
  .option('--watcher-poll-sec <s>', 'recommended design: watcher revision poll interval', positiveNumberOption('--watcher-poll-sec'), 5)
  .option('--digest-poll-sec <s>', 'recommended design: head digest poll interval', positiveNumberOption('--digest-poll-sec'), 5)
  .option('--seed <n>', 'PRNG seed', integerOption('--seed', 0), 1);

runBench(async () => {
  program.parse();
  const o = program.opts<{
    json: boolean; qcus: number; heads: number; shards: number; minutes: number; groupSize: number; pollSec: number;
    headReplacementsPerMin: number; shardReplacementsPerMin: number; qcuStartsPerSec: number; watchers: number;
    watcherPollSec: number; digestPollSec: number; seed: number;
  }>();
  const params: SimParams = {
    qcus: o.qcus, heads: o.heads, shards: o.shards, seconds: o.minutes * 60, groupSize: o.groupSize, pollSec: o.pollSec,
    headReplacementsPerMin: o.headReplacementsPerMin, shardReplacementsPerMin: o.shardReplacementsPerMin, replaceGapSec: 30,
    qcuStartsPerSec: o.qcuStartsPerSec, watchers: o.watchers, watcherPollSec: o.watcherPollSec, digestPollSec: o.digestPollSec,
    qcuHeadCallSec: 1, seed: o.seed,
  };
  const started = performance.now();
  const sim = simulate(params);
  const [plain, revision, recommended] = sim.designs as [typeof sim.designs[0], typeof sim.designs[0], typeof sim.designs[0]];
  const pct = (v: number, q: number): string => `${((100 * v) / q).toFixed(v / q < 0.01 ? 2 : 1)}%`;
  const rate = (v: number): string => (v >= 100 ? formatCount(v) : v.toFixed(1));
  const rows = sim.designs.map((d) => [
    d.design,
    rate(d.discoverPerSec),
    pct(d.discoverPerSec, QUOTA_PER_SEC),
    rate(d.discoverPeakPerSec),
    rate(d.revisionPerSec),
    pct(d.revisionPerSec, REVISION_QUOTA_PER_SEC),
    rate(d.florinRpcPerSec),
    `${d.headStalenessMaxSec.toFixed(1)} / ${d.qcuStalenessMaxSec.toFixed(1)}`,
  ]);
  const underTenPercent = recommended.discoverPerSec < 0.1 * QUOTA_PER_SEC && recommended.revisionPerSec < 0.1 * REVISION_QUOTA_PER_SEC;
  printReport(
    {
      title: `Cloud Map API load: ${formatCount(o.qcus)} QCUs, ${formatCount(o.heads)} head nodes in ${sim.headGroups} head-group services of <= ${o.groupSize}, ${o.shards} shards, ${o.minutes} simulated minutes, ${sim.changes} membership changes, ${sim.qcuStarts} QCU starts`,
      head: ['design', 'DiscoverInstances/s', 'of 1,000/s', 'peak/s', 'Revision/s', 'of 3,000/s', 'Florin RPC/s', 'worst staleness s (heads / QCUs)'],
      rows,
      notes: [
        `Revision polling alone does not fit: every change of a followed service still costs one DiscoverInstances per follower (${formatCount(o.qcus + o.heads)} followers).`,
        `Recommended: ${o.watchers} watcher heads per service (rendezvous hash over stable ids) poll DiscoverInstancesRevision every ${o.watcherPollSec} s; other heads ask a watcher for the digest every ${o.digestPollSec} s; QCUs learn it from head answers; Cloud Map otherwise only at bootstrap (one DiscoverInstances per starting QCU or head). Building blocks: watchersOf() and RelayedDiscovery in @florin/discovery.`,
        `Recommended design under 10% of both quotas: ${underTenPercent ? 'yes' : 'NO'} (${pct(recommended.discoverPerSec, QUOTA_PER_SEC)} of DiscoverInstances, ${pct(recommended.revisionPerSec, REVISION_QUOTA_PER_SEC)} of DiscoverInstancesRevision).`,
        `Simulated in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
      ],
      result: {
        qcus: o.qcus,
        heads: o.heads,
        shards: o.shards,
        minutes: o.minutes,
        headGroups: sim.headGroups,
        membershipChanges: sim.changes,
        qcuStarts: sim.qcuStarts,
        quotaPerSec: QUOTA_PER_SEC,
        revisionQuotaPerSec: REVISION_QUOTA_PER_SEC,
        callsPerSec: revision.discoverPerSec,
        revisionCallsPerSec: revision.revisionPerSec,
        callsPerSecWithoutRevision: plain.discoverPerSec,
        recommended: { ...recommended, underTenPercentOfQuota: underTenPercent },
        designs: sim.designs,
      },
    },
    { json: o.json },
  );
});
