import { Command, InvalidArgumentError } from 'commander';

/** Options every benchmark accepts. */
export interface CommonBenchOptions {
  /** Print one JSON object (the machine-readable result) as the last line of stdout. */
  readonly json: boolean;
}

/** A commander program with the options every benchmark shares (--json). Add the benchmark's own options to it. */
export function benchCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .option('--json', 'also print the result as one JSON object on the last line of stdout', false)
    .allowExcessArguments(false)
    .showHelpAfterError();
}

/** A commander argument parser accepting integers in [min, max]. */
export function integerOption(flag: string, min = 1, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** A commander argument parser accepting finite numbers > 0. */
export function positiveNumberOption(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${flag} must be a number > 0, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** Progress for humans, on stderr, so stdout holds only the table and the JSON line. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * Runs a benchmark's main function: a failure prints its message (and the
 * stack, since a benchmark failure is a bug to chase) on stderr and sets exit
 * code 1. Normal exit waits for the event loop, so leaked handles show up as a hang.
 */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}

/** A commander argument parser accepting numbers in [0, 1]. */
export function ratioOption(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
      throw new InvalidArgumentError(`${flag} must be a number in [0, 1], got ${JSON.stringify(value)}`);
    }
    return n;
  };
}
