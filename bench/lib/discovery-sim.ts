import { Sfc32 } from '@florin/store';
/**
 * A simulation of discovery traffic against the Cloud Map API (no network,
 * simulated time): a fleet of QCUs and head nodes following head-group,
 * shard and coordinator services through ten minutes of churn, under three
 * designs. It counts DiscoverInstances (quota 1,000/s per account) and
 * DiscoverInstancesRevision (3,000/s) calls per simulated second.
 */

export interface SimParams {
  readonly qcus: number;
  readonly heads: number;
  readonly shards: number;
  readonly seconds: number;
  /** Head nodes per head-group service (Cloud Map allows at most 1,000 instances per service). */
  readonly groupSize: number;
  /** Poll interval of every process in the naive designs, s. */
  readonly pollSec: number;
  /** Head-task replacements per minute across the fleet (deploys, failures): a deregister, then a register replaceGapSec later. */
  readonly headReplacementsPerMin: number;
  readonly shardReplacementsPerMin: number;
  readonly replaceGapSec: number;
  /** QCU starts per second (Spot reclaims, scaling); each bootstraps. */
  readonly qcuStartsPerSec: number;
  /** Recommended design: heads per service that poll Cloud Map (chosen by rendezvous hash on stable ids). */
  readonly watchers: number;
  readonly watcherPollSec: number;
  /** Recommended design: how often a head asks a watcher for the membership digest (a Florin RPC), s. */
  readonly digestPollSec: number;
  /** Recommended design: how often a busy QCU calls some head (each answer carries the digest), s. */
  readonly qcuHeadCallSec: number;
  readonly seed: number;
}

export interface DesignResult {
  readonly design: string;
  readonly discoverPerSec: number;
  readonly discoverPeakPerSec: number;
  readonly revisionPerSec: number;
  readonly revisionPeakPerSec: number;
  /** Florin-internal RPCs that replace Cloud Map calls (digest polls, membership fetches from watchers). */
  readonly florinRpcPerSec: number;
  /** Worst time from a membership change to every head knowing it, s. */
  readonly headStalenessMaxSec: number;
  /** Worst time from a membership change to every QCU knowing it, s. */
  readonly qcuStalenessMaxSec: number;
}

export interface SimResult {
  readonly headGroups: number;
  readonly changes: number;
  readonly qcuStarts: number;
  readonly designs: readonly DesignResult[];
}

/** Times of a Poisson process of `perSec` over [0, seconds). */
function poisson(perSec: number, seconds: number, random: () => number): number[] {
  const out: number[] = [];
  if (perSec <= 0) return out;
  for (let t = -Math.log(1 - random()) / perSec; t < seconds; t += -Math.log(1 - random()) / perSec) out.push(t);
  return out;
}

/** Number of entries of sorted `times` that are <= t. */
function upperBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class Counter {
  readonly bins: Float64Array;
  total = 0;
  constructor(seconds: number) {
    this.bins = new Float64Array(Math.ceil(seconds));
  }
  add(t: number, n = 1): void {
    const i = Math.floor(t);
    if (i < 0 || i >= this.bins.length) return;
    this.bins[i] = (this.bins[i] as number) + n;
    this.total += n;
  }
  perSec(): number {
    return this.total / this.bins.length;
  }
  peak(): number {
    let p = 0;
    for (const v of this.bins) if (v > p) p = v;
    return p;
  }
}

export function simulate(p: SimParams): SimResult {
  const generator = new Sfc32(p.seed);
  const random = (): number => generator.nextFloat();
  const groups = Math.ceil(p.heads / p.groupSize);
  // Services: 0..groups-1 head groups, then shards, then coordinator.
  const SHARDS = groups;
  const COORD = groups + 1;
  const services = groups + 2;
  const changeTimes: number[][] = Array.from({ length: services }, () => []);
  for (const t of poisson(p.headReplacementsPerMin / 60, p.seconds, random)) {
    const g = Math.floor(random() * groups);
    changeTimes[g]?.push(t, t + p.replaceGapSec);
  }
  for (const t of poisson(p.shardReplacementsPerMin / 60, p.seconds, random)) changeTimes[SHARDS]?.push(t, t + p.replaceGapSec);
  for (const list of changeTimes) list.sort((a, b) => a - b);
  const changes = changeTimes.reduce((n, l) => n + l.filter((t) => t < p.seconds).length, 0);
  const qcuStartTimes = poisson(p.qcuStartsPerSec, p.seconds, random);
  const headStartTimes = changeTimes.slice(0, groups).flatMap((l, g) => l.filter((_, i) => i % 2 === 1).map((t) => ({ t, g })));
  const qcuFollows = [...Array.from({ length: groups }, (_, g) => g), COORD];
  const headFollows = [...Array.from({ length: groups }, (_, g) => g), SHARDS];
  const rev = (s: number, t: number): number => upperBound(changeTimes[s] as number[], t);

  /** Every process polls every service it follows each pollSec (+-10%); with `revision`, a DescribeRevision first. */
  const naive = (revision: boolean): DesignResult => {
    const di = new Counter(p.seconds);
    const dir = new Counter(p.seconds);
    const fleet: { count: number; follows: number[] }[] = [
      { count: p.qcus, follows: qcuFollows },
      { count: p.heads, follows: headFollows },
    ];
    const known = new Int32Array(services);
    for (const { count, follows } of fleet) {
      for (let i = 0; i < count; i++) {
        for (const s of follows) known[s] = rev(s, 0);
        for (let t = random() * p.pollSec; t < p.seconds; t += p.pollSec * (0.9 + 0.2 * random())) {
          for (const s of follows) {
            if (!revision) {
              di.add(t);
              continue;
            }
            dir.add(t);
            const r = rev(s, t);
            if (r !== known[s]) {
              di.add(t);
              known[s] = r;
            }
          }
        }
      }
    }
    // Bootstraps: a new QCU or head reads every service it follows once.
    for (const t of qcuStartTimes) di.add(t, qcuFollows.length);
    for (const { t } of headStartTimes) di.add(t, headFollows.length);
    const worst = p.pollSec * 1.1;
    return {
      design: revision ? 'every process polls DiscoverInstancesRevision' : 'every process polls DiscoverInstances',
      discoverPerSec: di.perSec(),
      discoverPeakPerSec: di.peak(),
      revisionPerSec: dir.perSec(),
      revisionPeakPerSec: dir.peak(),
      florinRpcPerSec: 0,
      headStalenessMaxSec: worst,
      qcuStalenessMaxSec: worst,
    };
  };

  /**
   * Recommended: `watchers` heads per service poll its revision every
   * watcherPollSec and call DiscoverInstances only when it moved; every other
   * head asks a watcher for the digest (service -> revision, members on
   * change) every digestPollSec; QCUs learn it from the heads they already
   * call. Cloud Map is otherwise used only to bootstrap: a starting QCU or head
   * reads one head group.
   */
  const relayed = (): DesignResult => {
    const di = new Counter(p.seconds);
    const dir = new Counter(p.seconds);
    const rpc = new Counter(p.seconds);
    let headStaleness = 0;
    let qcuStaleness = 0;
    for (let s = 0; s < services; s++) {
      const times = changeTimes[s] as number[];
      const detect: number[] = times.map(() => Number.POSITIVE_INFINITY);
      for (let w = 0; w < p.watchers; w++) {
        let known = rev(s, 0);
        for (let t = random() * p.watcherPollSec; t < p.seconds + p.watcherPollSec * 2; t += p.watcherPollSec * (0.9 + 0.2 * random())) {
          if (t < p.seconds) dir.add(t);
          const r = rev(s, t);
          if (r !== known) {
            if (t < p.seconds) di.add(t);
            for (let c = known; c < r; c++) detect[c] = Math.min(detect[c] as number, t);
            known = r;
          }
        }
      }
      times.forEach((t, c) => {
        if (t >= p.seconds) return;
        const seen = (detect[c] as number) - t;
        // A head learns at its next digest poll after a watcher knows, a QCU at its next call to a head after that.
        headStaleness = Math.max(headStaleness, seen + p.digestPollSec * 1.1);
        qcuStaleness = Math.max(qcuStaleness, seen + p.digestPollSec * 1.1 + p.qcuHeadCallSec);
      });
    }
    // Digest polls: every head, every digestPollSec (one Florin RPC each); on a change each head fetches the members once.
    const digestPolls = (p.heads * p.seconds) / p.digestPollSec;
    rpc.total = digestPolls + changes * p.heads;
    for (const t of qcuStartTimes) di.add(t, 1);
    for (const { t } of headStartTimes) di.add(t, 1);
    return {
      design: `${p.watchers} watcher heads per service poll the revision; heads and QCUs learn from heads`,
      discoverPerSec: di.perSec(),
      discoverPeakPerSec: di.peak(),
      revisionPerSec: dir.perSec(),
      revisionPeakPerSec: dir.peak(),
      florinRpcPerSec: rpc.total / p.seconds,
      headStalenessMaxSec: headStaleness,
      qcuStalenessMaxSec: qcuStaleness,
    };
  };

  return { headGroups: groups, changes, qcuStarts: qcuStartTimes.length, designs: [naive(false), naive(true), relayed()] };
}
