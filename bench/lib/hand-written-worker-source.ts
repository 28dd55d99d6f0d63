/**
 * The script every kernel worker thread runs, as plain JavaScript text started
 * with `new Worker(KERNEL_WORKER_SOURCE, { eval: true })`. It is a string, not
 * a module file, so the same pool works from the TypeScript sources (tests)
 * and from the built dist/ without a loader or a path to resolve.
 *
 * Protocol (one request at a time per worker):
 *   in:  { id, name, source, buffer: ArrayBuffer, lengths: number[], params }
 *        `buffer` packs the inputs back to back (float64), `lengths` splits it.
 *   out: { id, ok: true, outputs: Float64Array[] }      (buffers transferred)
 *        { id, ok: false, error: { name, message, stack } }
 */
export const KERNEL_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');

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

parentPort.on('message', (request) => {
  const { id, name, source, buffer, lengths, params } = request;
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
    parentPort.postMessage({ id, ok: true, outputs }, transfer);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    parentPort.postMessage({ id, ok: false, error: { name: e.name, message: e.message, stack: e.stack } });
  }
});
`;
