import { invalidArgument } from '@florin/core';

/**
 * A compute kernel: typed arrays in, typed arrays out, no per-point objects.
 * `params` is structured-cloned to the worker thread (keep it small and JSON-like).
 */
export type KernelFn<P = unknown> = (inputs: Float64Array[], params: P) => Float64Array[];

/**
 * A kernel that can run on a worker thread. It travels as source text (like
 * workerpool's `exec(fn)`), so the function must be self-contained: it may use
 * its arguments and JavaScript globals (Math, Float64Array, Date, ...) but no
 * imports or variables from the module that defines it. Helpers go inside the
 * function body. A kernel that breaks this rule fails in the worker with a
 * ReferenceError naming the missing variable.
 */
export interface Kernel<P = unknown> {
  readonly name: string;
  /** The function's source, compiled once per worker thread. */
  readonly source: string;
  /** The same function, for running inline on the calling thread. */
  readonly fn: KernelFn<P>;
}

const KERNEL_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * Defines a kernel. Checks now that its source compiles on its own, so a
 * method-shorthand or bound function is rejected here rather than in a worker.
 */
export function defineKernel<P>(name: string, fn: KernelFn<P>): Kernel<P> {
  if (!KERNEL_NAME.test(name)) throw invalidArgument(`kernel name ${JSON.stringify(name)} is malformed; use letters, digits, _ . -`);
  if (typeof fn !== 'function') throw invalidArgument(`kernel ${name}: expected a function, got ${typeof fn}`);
  const source = fn.toString();
  let compiled: unknown;
  try {
    compiled = compileKernelSource(source);
  } catch (err) {
    throw invalidArgument(
      `kernel ${name}: its source does not compile on its own (${(err as Error).message}); ` +
        'write it as a function expression or arrow function, not a method or bound function',
    );
  }
  if (typeof compiled !== 'function') throw invalidArgument(`kernel ${name}: its source does not evaluate to a function`);
  return Object.freeze({ name, source, fn });
}

/** Evaluates kernel source in global scope, as the worker thread does. */
export function compileKernelSource(source: string): unknown {
  // Indirect eval: global scope, no access to this module's variables.
  return (0, eval)(`(${source})`);
}
