'use strict';
/**
 * The task handler every kernel worker thread of KernelPool (piscina) loads.
 * It lives outside src/ and dist/, at the same depth from both
 * (src/pool/kernel-pool.ts and dist/pool/kernel-pool.js find it at
 * ../../kernel-worker.cjs), so the pool works from the TypeScript sources
 * (tests) and from the built package alike.
 *
 * Task: { name, source, buffer: ArrayBuffer, lengths: number[], params }
 *       `buffer` packs the inputs back to back (float64), `lengths` splits it.
 * Result: { ok: true, outputs: Float64Array[] }      (buffers transferred)
 *         { ok: false, error: { name, message, stack } }  (the kernel threw)
 */
const { move, transferableSymbol, valueSymbol } = require('piscina');

// Kernel source -> compiled function, so each kernel is compiled once per thread.
const compiled = new Map();
function kernelOf(source) {
  let fn = compiled.get(source);
  if (fn === undefined) {
    fn = (0, eval)('(' + source + ')');
    compiled.set(source, fn);
  }
  return fn;
}

module.exports = function runKernel(task) {
  const { name, source, buffer, lengths, params } = task;
  try {
    const inputs = [];
    let offset = 0;
    for (const n of lengths) {
      inputs.push(new Float64Array(buffer, offset * 8, n));
      offset += n;
    }
    const result = kernelOf(source)(inputs, params);
    if (!Array.isArray(result) || !result.every((a) => a instanceof Float64Array)) {
      throw new TypeError('kernel ' + name + ' must return an array of Float64Array');
    }
    // Transfer each output's buffer; copy outputs that are views of a shared or already-listed buffer.
    const transfer = [];
    const outputs = result.map((a) => {
      const whole = a.byteOffset === 0 && a.byteLength === a.buffer.byteLength;
      const own = whole && !transfer.includes(a.buffer) && !(a.buffer instanceof SharedArrayBuffer) ? a : a.slice();
      transfer.push(own.buffer);
      return own;
    });
    return move({ [transferableSymbol]: transfer, [valueSymbol]: { ok: true, outputs } });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { ok: false, error: { name: e.name, message: e.message, stack: e.stack } };
  }
};
