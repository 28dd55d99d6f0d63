import { setFlagsFromString } from 'node:v8';
import { Command, InvalidArgumentError, Option } from 'commander';

/**
 * How much V8 lets the old generation grow past what survived the last full
 * GC before collecting again, for a head node. V8's own factor (up to 4x on a
 * small heap) lets a head under a burst of reads hold 100-150 MiB of dead call
 * state; a bound keeps the process near its live set, so RSS follows the
 * cache limit (bench:soak: head RSS max 383 -> 242 MiB at --cache-mb 64, see
 * docs/performance.md). 0 leaves V8's own.
 */
export const DEFAULT_HEAP_GROWTH_PERCENT = 50;
const MAX_HEAP_GROWTH_PERCENT = 1_000;

export interface HeapGrowthFlags {
  heapGrowthPercent: number;
}

function heapGrowthArg(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_HEAP_GROWTH_PERCENT) {
    throw new InvalidArgumentError(`--heap-growth-percent must be an integer from 0 (V8's own) to ${MAX_HEAP_GROWTH_PERCENT}, got "${value}"`);
  }
  return n;
}

export function addHeapGrowthOption(command: Command): Command {
  return command.addOption(
    new Option('--heap-growth-percent <n>', "how far V8's old generation may grow past its live size before a full GC, percent (0: V8's own; lower keeps RSS near the cache limit)")
      .argParser(heapGrowthArg)
      .env('FLORIN_HEAP_GROWTH_PERCENT')
      .default(DEFAULT_HEAP_GROWTH_PERCENT),
  );
}

/**
 * Sets V8's --heap-growing-percent for this process (it is read at every GC,
 * so setting it at start-up takes effect). A --heap-growing-percent given to
 * node itself (`node --heap-growing-percent=N`; NODE_OPTIONS may not carry it) wins.
 */
export function applyHeapGrowth(percent: number): void {
  const givenToNode = process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent'));
  if (percent > 0 && !givenToNode) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
