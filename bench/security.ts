import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { generateGrantSecret, generateSigningKey, GrantIssuer, GrantSecrets, GrantVerifier, issueToken, KeySetSource, LocalCa, TokenVerifier, type ClientSecurity, type GrantSigningKey, type ServerSecurity } from '@florin/core';
import { HeadClient, JobsClient } from '@florin/client';
import type { DuckDbStore } from '@florin/store';
import { ShardServer } from '@florin/shard';
import { HeadServer } from '@florin/head';
import { runCoordinator, type RunningCoordinator } from '@florin/coordinator';
import { WorkClient } from '@florin/qcu';
import { benchCommand, integerOption, positiveNumberOption } from './lib/bench-options.js';
import { formatRate, printReport } from './lib/report.js';
import { withTempDir } from './lib/temp-dir.js';
import { CpuProfiler } from './lib/cpu-profile.js';
import { loadavg } from 'node:os';
import { DAY, START, dailyCloseStore } from './lib/daily-close-store.js';

interface Options {
  json: boolean;
  rounds: number;
  seconds: number;
  symbols: number;
  profile?: string;
  inflight: number[];
}

const BARS = 252; // one year of daily bars per read: a small call, where per-call costs show
const FIELDS = ['close'];
const UNIT = { name: 'bench', version: '1.0.0' };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One round: calls per second, and CPU (user + system) of this process, client and servers, per call. */
interface Rate {
  perSec: number;
  cpuUsPerCall: number;
}

/** Runs `call` with `inflight` callers for `seconds`. */
async function rate(inflight: number, seconds: number, call: (i: number) => Promise<unknown>): Promise<Rate> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (performance.now() < deadline) {
        await call(done);
        done++;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return { perSec: done / ((performance.now() - started) / 1000), cpuUsPerCall: (used.user + used.system) / Math.max(1, done) };
}

/** CPU (us) per write grant the coordinator signs: one per job per LeaseTasks answer, so one per task here. */
function grantSignCpuUs(key: GrantSigningKey, count = 2_000): number {
  const issuer = new GrantIssuer(key);
  const scope = (i: number) => ({ subject: 'bench-qcu', jobId: 'job-bench', dataset: 'bench_out', symbols: [`T${i}`], expiresAt: Date.now() + 60_000 });
  for (let i = 0; i < 200; i++) issuer.sign(scope(i));
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) issuer.sign(scope(i));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / count;
}

/** One side of the comparison: a head over a shard, and a coordinator, plaintext or TLS + tokens. */
interface Stack {
  readonly name: string;
  readonly head: HeadClient;
  readonly work: WorkClient;
  readonly jobs: JobsClient;
  close(): Promise<void>;
}

async function stack(
  name: string,
  dir: string,
  store: DuckDbStore,
  server: ServerSecurity | undefined,
  client: (role: 'researcher' | 'qcu' | 'head') => ClientSecurity | undefined,
  grantKey?: GrantSigningKey,
): Promise<Stack> {
  const shard = new ShardServer({ store, shardId: 0, shardCount: 1, security: server });
  const shardAddress = (await shard.start()).address;
  const headServer = new HeadServer({ shards: [shardAddress], nodeId: 'head-0', security: server, clientSecurity: client('head') });
  const headAddress = (await headServer.start()).address;
  // The secure coordinator signs a write grant per job per lease, as `florin up` runs it.
  const coordinator: RunningCoordinator = await runCoordinator({ store: `sqlite:${join(dir, `${name}.sqlite`)}`, security: server, onBackgroundError: () => undefined, ...(grantKey ? { grantKey } : {}) });
  const head = new HeadClient(headAddress, { security: client('researcher') });
  const work = new WorkClient(coordinator.address, { workerId: `bench-${name}`, security: client('qcu') });
  const jobs = new JobsClient(coordinator.address, { security: client('researcher') });
  await work.registerUnits([{ ...UNIT, paramsSchema: { type: 'object', properties: {}, required: [], additionalProperties: false }, description: 'bench', output: { dataset: 'bench_out', fields: ['x'], frequency: '1d' } }]);
  return {
    name,
    head,
    work,
    jobs,
    async close() {
      head.close();
      work.close();
      jobs.close();
      await coordinator.close(100);
      await headServer.close(100);
      await shard.close(100);
    },
  };
}

/** Cache-hit reads of one symbol-year each. */
function readRound(s: Stack, symbols: string[], inflight: number, seconds: number): Promise<Rate> {
  return rate(inflight, seconds, (i) => s.head.read({ dataset: 'daily', symbols: [symbols[i % symbols.length]!], fields: FIELDS, range: { start: START, end: START + BARS * DAY } }));
}

/** Dispatch: lease one task, complete it, with `inflight` workers; tasks per second. */
async function dispatchRound(s: Stack, inflight: number, seconds: number, symbols: number): Promise<Rate> {
  await s.jobs.submit({ unit: UNIT.name, dataset: 'daily', symbols: Array.from({ length: symbols }, (_, k) => `T${k}`), startMs: START, endMs: START + DAY, taskSize: 1, maxAttempts: 1 });
  return rate(inflight, seconds, async () => {
    const [task] = await s.work.lease({ units: [UNIT], maxTasks: 1 });
    if (task) await s.work.complete([{ taskId: task.taskId, attempt: task.attempt, ok: true, result: {} }]);
  });
}

async function main(options: Options): Promise<void> {
  await withTempDir('florin-bench-security-', async (dir) => {
    const { store, symbols } = await dailyCloseStore(dir, options.symbols, BARS);
    const ca = await LocalCa.create('bench CA');
    const cert = await ca.issue({ commonName: 'bench' });
    const key = await generateSigningKey();
    await writeFile(join(dir, 'ca.pem'), ca.certPem);
    const tls = { ca: { pem: ca.certPem }, cert: { pem: cert.certPem }, key: { pem: cert.keyPem }, serverName: 'localhost' };
    // Grants as `florin up` signs them: HS256 with the secret the coordinator shares with heads and shards.
    const grantKey = generateGrantSecret();
    const keys = KeySetSource.of([key.publicJwk]);
    const verifier = new TokenVerifier(keys);
    const tokens = {
      researcher: await issueToken(key, { subject: 'bench', role: 'researcher', ttlMs: 3_600_000 }),
      qcu: await issueToken(key, { subject: 'bench-qcu', role: 'qcu', ttlMs: 3_600_000 }),
      head: await issueToken(key, { subject: 'bench-head', role: 'head', ttlMs: 3_600_000 }),
    };
    const plain = await stack('plaintext', dir, store, undefined, () => undefined);
    const secure = await stack('tls', dir, store, { tls, auth: { tokens: verifier, grants: new GrantVerifier(keys, { secrets: GrantSecrets.of([grantKey]) }) } }, (role) => ({ tls, token: tokens[role] }), grantKey);
    const profiler = new CpuProfiler(options.profile);
    const rows: (string | number)[][] = [];
    const result: Record<string, number> = {};
    try {
      for (const s of [plain, secure]) await readRound(s, symbols, 8, 0.5); // warm: every symbol cached, tokens verified once
      for (const inflight of options.inflight) {
        const reads: Record<string, Rate[]> = { plaintext: [], tls: [] };
        const dispatch: Record<string, Rate[]> = { plaintext: [], tls: [] };
        for (let r = 0; r < options.rounds; r++) {
          // Alternate which side goes first, so drift on a shared machine hits both.
          const order = r % 2 === 0 ? [plain, secure] : [secure, plain];
          for (const s of order) reads[s.name]!.push(await profiler.profile(`read-${s.name}-${inflight}-${r}`, () => readRound(s, symbols, inflight, options.seconds)));
          for (const s of order) dispatch[s.name]!.push(await profiler.profile(`dispatch-${s.name}-${inflight}-${r}`, () => dispatchRound(s, inflight, options.seconds, 50_000)));
        }
        const pct = (a: number, b: number): number => Math.round(((a - b) / a) * 1000) / 10;
        const cpuPct = (plain: number, tls: number): number => Math.round(((tls - plain) / plain) * 1000) / 10;
        const rates = (xs: Rate[]): number => median(xs.map((x) => x.perSec));
        const cpus = (xs: Rate[]): number => median(xs.map((x) => x.cpuUsPerCall));
        const readPlain = rates(reads['plaintext']!);
        const readTls = rates(reads['tls']!);
        const dispPlain = rates(dispatch['plaintext']!);
        const dispTls = rates(dispatch['tls']!);
        const readCpuPlain = cpus(reads['plaintext']!);
        const readCpuTls = cpus(reads['tls']!);
        const dispCpuPlain = cpus(dispatch['plaintext']!);
        const dispCpuTls = cpus(dispatch['tls']!);
        rows.push([`cache-hit reads, ${inflight} in flight`, formatRate(readPlain), formatRate(readTls), `${pct(readPlain, readTls)}%`, readCpuPlain.toFixed(0), readCpuTls.toFixed(0), `+${cpuPct(readCpuPlain, readCpuTls)}%`]);
        rows.push([`dispatch (lease + complete), ${inflight} in flight`, formatRate(dispPlain), formatRate(dispTls), `${pct(dispPlain, dispTls)}%`, dispCpuPlain.toFixed(0), dispCpuTls.toFixed(0), `+${cpuPct(dispCpuPlain, dispCpuTls)}%`]);
        const suffix = inflight === 32 ? '' : `At${inflight}`;
        result[`readOverheadPct${suffix}`] = pct(readPlain, readTls);
        result[`dispatchOverheadPct${suffix}`] = pct(dispPlain, dispTls);
        result[`readCpuOverheadPct${suffix}`] = cpuPct(readCpuPlain, readCpuTls);
        result[`dispatchCpuOverheadPct${suffix}`] = cpuPct(dispCpuPlain, dispCpuTls);
        result[`readsPerSecPlaintext${suffix || 'At32'}`] = Math.round(readPlain);
        result[`readsPerSecTls${suffix || 'At32'}`] = Math.round(readTls);
        result[`tasksPerSecPlaintext${suffix || 'At32'}`] = Math.round(dispPlain);
        result[`tasksPerSecTls${suffix || 'At32'}`] = Math.round(dispTls);
      }
      result['tokenVerifications'] = verifier.verified;
      result['grantSignCpuUs'] = Math.round(grantSignCpuUs(grantKey) * 10) / 10;
      // The same grant with an ES256 grant key (`florin token keygen --grant --grant-alg ES256`), for comparison.
      result['grantSignCpuUsEs256'] = Math.round(grantSignCpuUs(await generateSigningKey()) * 10) / 10;
      result['loadAverage'] = loadavg()[0]!;
    } finally {
      profiler.close();
      await secure.close();
      await plain.close();
      await store.close();
    }
    printReport(
      {
        title: `TLS + bearer tokens (ES256, verdicts cached) + write grants (HS256) vs plaintext, same run, medians of ${options.rounds} alternating rounds of ${options.seconds} s`,
        head: ['workload', 'plaintext', 'TLS + token', 'overhead', 'CPU us/call plaintext', 'CPU us/call TLS + token', 'CPU overhead'],
        rows,
        notes: [
          `token signature checks during the whole run: ${verifier.verified} (one per token; later calls hit the verdict cache)`,
          `a write grant costs the coordinator ${result['grantSignCpuUs']} us of CPU to sign (HS256, node:crypto; ${result['grantSignCpuUsEs256']} us with an ES256 grant key); dispatch signs one per task here (one lease answer per task)`,
          'client and servers share this process and its cores; on a shared machine the figures are noisy. CPU per call is this process\'s (client and servers) CPU time over the calls made: less sensitive to other load than calls/s',
          `load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
        ],
        result,
      },
      options,
    );
  });
}

const program = benchCommand('bench:security', 'Cost of TLS + tokens on cache-hit reads and on dispatch, against plaintext in the same run, at 32 and 1 calls in flight')
  .option('--rounds <n>', 'alternating rounds per configuration', integerOption('--rounds', 1, 50), 5)
  .option('--seconds <s>', 'length of one round', positiveNumberOption('--seconds'), 2)
  .option('--symbols <n>', 'symbols read (each one year of daily bars, cached)', integerOption('--symbols', 1, 10_000), 64)
  .option('--inflight <list>', 'calls in flight, comma-separated', (v: string) => v.split(',').map((x) => integerOption('--inflight', 1, 1024)(x)), [32, 1])
  .option('--profile <dir>', 'write a V8 CPU profile of each round to <dir> (read them with bench/dist/profile-top.js)')
  .action((options: Options) => main(options));
await program.parseAsync(process.argv);
