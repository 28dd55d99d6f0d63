import { frequencyMs, invalidArgument, notFound, type TimeRange } from '@florin/core';
import type { LoadTarget } from './load-target.js';
import type { LoadUniverse } from './workload.js';

/** A universe named by hand: a dataset, its symbols, and optionally fields and range. */
export interface UniverseSpec {
  readonly dataset: string;
  readonly symbols: readonly string[];
  /** Default: every field of the dataset. */
  readonly fields?: readonly string[];
  /** Default: probed, see probeUniverse. */
  readonly range?: TimeRange;
}

/**
 * Completes a hand-named universe from the cluster: fields and bar width from
 * the dataset's catalog entry; when no range is given, the range of the first
 * symbol's whole history, read once (use a target that does not cache, e.g.
 * mode 'no-coalesce' or 'direct', so the probe leaves the heads' caches cold).
 */
export async function probeUniverse(target: LoadTarget, spec: UniverseSpec, deadlineMs: number): Promise<LoadUniverse> {
  if (spec.symbols.length === 0) throw invalidArgument('the universe has no symbols');
  const datasets = await target.listDatasets(deadlineMs);
  const info = datasets.find((d) => d.name === spec.dataset);
  if (!info) throw notFound(`the cluster has no dataset ${JSON.stringify(spec.dataset)} (it has: ${datasets.map((d) => d.name).join(', ') || 'none'})`);
  const barMs = frequencyMs(info.frequency);
  const fields = spec.fields && spec.fields.length > 0 ? [...spec.fields] : [...info.fields];
  let range = spec.range;
  if (!range) {
    const first = spec.symbols[0]!;
    const [frame] = await target.read(
      { dataset: info.name, symbols: [first], fields: [info.fields[0]!], range: { start: 0, end: Date.now() + barMs } },
      deadlineMs,
    );
    const ts = frame?.timestamps;
    if (!ts || ts.length === 0) {
      throw invalidArgument(`${first} has no rows in ${info.name} up to now, so the range cannot be probed: give --from and --to`);
    }
    range = { start: ts[0]!, end: ts[ts.length - 1]! + barMs };
  }
  return { dataset: info.name, fields, symbols: [...spec.symbols], range, barMs };
}
