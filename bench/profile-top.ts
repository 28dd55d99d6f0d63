import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { benchCommand, integerOption, runBench } from './lib/bench-options.js';
import { formatMs, printReport } from './lib/report.js';

/** The parts of a V8 .cpuprofile (Profiler.Profile) this tool reads. */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  /** µs on the machine's monotonic clock (CLOCK_MONOTONIC on Linux: the clock of process.hrtime in every process). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A stretch of the monotonic clock, in µs. */
interface SampleWindow {
  readonly fromUs: number;
  readonly toUs: number;
}

interface SelfTime {
  readonly name: string;
  readonly area: string;
  us: number;
}

const program = benchCommand('profile-top', 'Top self-time functions and areas (grpc-js, protobufjs, DuckDB, node internals, ...) of V8 .cpuprofile files, summed over all files.')
  .argument('<files...>', '.cpuprofile files (from node --cpu-prof or a benchmark\'s --profile)')
  .option('--top <n>', 'functions to list', integerOption('--top', 1), 15)
  .option('--window <file>', 'count only the samples inside the window a benchmark wrote ({ fromUs, toUs } on the monotonic clock, e.g. bench:job --profile writes window.json)');

runBench(async () => {
  program.parse();
  const { json, top, window: windowFile } = program.opts<{ json: boolean; top: number; window?: string }>();
  const window = windowFile ? (JSON.parse(readFileSync(windowFile, 'utf8')) as SampleWindow) : undefined;
  const functions = new Map<string, SelfTime>();
  let totalUs = 0;
  for (const file of program.args) totalUs += addSelfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, functions, window);
  const ranked = [...functions.values()].sort((a, b) => b.us - a.us);
  const areas = new Map<string, number>();
  for (const f of ranked) areas.set(f.area, (areas.get(f.area) ?? 0) + f.us);
  const share = (us: number): string => `${((100 * us) / totalUs).toFixed(1)}%`;
  const rankedAreas = [...areas].sort((a, b) => b[1] - a[1]);
  printReport(
    {
      title: `self time of ${program.args.map((f) => basename(f)).join(', ')}: ${formatMs(totalUs / 1000)} ms sampled`,
      head: ['self ms', 'share', 'function', 'area'],
      rows: [
        ...ranked.slice(0, top).map((f) => [formatMs(f.us / 1000), share(f.us), f.name, f.area]),
        ...rankedAreas.map(([area, us]) => [formatMs(us / 1000), share(us), '(all of area)', area]),
      ],
      result: {
        totalMs: totalUs / 1000,
        top: ranked.slice(0, top).map((f) => ({ function: f.name, area: f.area, selfMs: f.us / 1000 })),
        areas: rankedAreas.map(([area, us]) => ({ area, selfMs: us / 1000 })),
      },
    },
    { json },
  );
});

/**
 * Adds each sample's duration to its function's self time; returns the
 * profile's total sampled time in µs. Native frames (no script) are named
 * after their nearest JavaScript caller, which says what they were doing.
 */
function addSelfTimes(profile: CpuProfile, into: Map<string, SelfTime>, window?: SampleWindow): number {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const nameOf = (id: number): string => {
    const frame = byId.get(id)!;
    if (frame.url) return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    if (frame.functionName.startsWith('(') && !frame.functionName.startsWith('(anon')) return frame.functionName;
    let caller = parentOf.get(id);
    while (caller !== undefined && !byId.get(caller)!.url) caller = parentOf.get(caller);
    return `${frame.functionName || '(anonymous)'} [native]${caller === undefined ? '' : ` <- ${nameOf(caller)}`}`;
  };
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    const us = profile.timeDeltas[i + 1] ?? 0; // a sample lasts until the next one
    const frame = byId.get(id);
    if (!frame || us <= 0) return;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    const name = nameOf(id);
    const entry = into.get(name) ?? { name, area: areaOf(frame.functionName, frame.url), us: 0 };
    entry.us += us;
    into.set(name, entry);
    total += us;
  });
  return total;
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf('node_modules/');
  if (i >= 0) return url.slice(i + 'node_modules/'.length);
  const p = url.indexOf('/packages/');
  if (p >= 0) return url.slice(p + 1);
  return url.replace(/^file:\/\//, '');
}

function areaOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : 'native (V8 builtins, C++ bindings)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/packages\/([^/]+)\//.exec(url);
  if (own) return `@florin/${own[1]!}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`;
  if (url.includes('/bench/')) return 'bench';
  return url;
}
