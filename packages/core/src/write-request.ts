import { bytesToFloat64 } from './codec.js';
import type { DatasetInfo } from './dataset.js';
import { invalidArgument, notFound, resourceExhausted } from './errors.js';
import { concatFrames, type SeriesFrame } from './frame.js';
import type { Limits } from './limits.js';
import { validateSymbol } from './names.js';
import type { SeriesBlockMessage, WriteRequestMessage } from './wire.js';

/**
 * Validates a whole WriteRequest against its dataset and the limits (the same
 * rules and status codes at a shard and at a head node) and turns it into one
 * frame per symbol (blocks of one symbol are joined in order). `assertOwned`
 * lets a shard refuse keys it does not own. Nothing is written unless all of
 * it is valid.
 */
export function decodeWriteRequest(
  request: WriteRequestMessage,
  dataset: DatasetInfo,
  limits: Pick<Limits, 'maxSymbolsPerRequest' | 'maxPointsPerRequest'>,
  assertOwned?: (dataset: string, symbols: Iterable<string>) => void,
): SeriesFrame[] {
  const fields = checkFields(request.fields, dataset);
  const bySymbol = new Map<string, SeriesFrame[]>();
  let rows = 0;
  for (const block of request.blocks) {
    validateSymbol(block.symbol);
    let parts = bySymbol.get(block.symbol);
    if (!parts) {
      if (bySymbol.size === limits.maxSymbolsPerRequest) {
        throw resourceExhausted(
          `write names more than ${limits.maxSymbolsPerRequest} symbols; the limit is ${limits.maxSymbolsPerRequest} symbols per request (maxSymbolsPerRequest)`,
        );
      }
      bySymbol.set(block.symbol, (parts = []));
    }
    const frame = decodeWriteBlock(block, fields);
    const previous = parts[parts.length - 1];
    if (previous && frame.timestamps.length > 0 && previous.timestamps.length > 0) {
      if (frame.timestamps[0]! <= previous.timestamps[previous.timestamps.length - 1]!) {
        throw invalidArgument(`blocks of ${block.symbol} overlap or are out of order; send a symbol's blocks in timestamp order`);
      }
    }
    parts.push(frame);
    rows += frame.timestamps.length;
  }
  const points = rows * fields.length;
  if (points > limits.maxPointsPerRequest) {
    throw resourceExhausted(
      `write carries ${points} points; the limit is ${limits.maxPointsPerRequest} points per request (maxPointsPerRequest). Split it into smaller writes`,
    );
  }
  assertOwned?.(dataset.name, bySymbol.keys());
  const frames: SeriesFrame[] = [];
  for (const [symbol, parts] of bySymbol) {
    const frame = concatFrames(symbol, fields, parts);
    if (frame.timestamps.length > 0) frames.push(frame);
  }
  return frames;
}

/** A write must carry exactly the dataset's fields, in any order. */
function checkFields(fields: readonly string[], dataset: DatasetInfo): readonly string[] {
  for (const f of fields) {
    if (!dataset.fields.includes(f)) {
      throw notFound(`unknown field ${JSON.stringify(f)} in dataset ${dataset.name}; it has ${dataset.fields.join(', ')}`);
    }
  }
  if (new Set(fields).size !== fields.length) throw invalidArgument('fields lists a field twice');
  const missing = dataset.fields.filter((f) => !fields.includes(f));
  if (missing.length > 0) {
    throw invalidArgument(
      `write is missing field${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of dataset ${dataset.name}; a write carries every field (${dataset.fields.join(', ')}) in any order`,
    );
  }
  return fields;
}

/** One block as a frame: consistent column lengths, integer timestamps strictly increasing. */
function decodeWriteBlock(block: SeriesBlockMessage, fields: readonly string[]): SeriesFrame {
  const where = `block of ${block.symbol}`;
  if (block.columns.length !== fields.length) {
    throw invalidArgument(`${where} has ${block.columns.length} columns for ${fields.length} fields (${fields.join(', ')})`);
  }
  const timestamps = column(block.timestamps, `${where}: timestamps`);
  const columns = block.columns.map((bytes, i) => {
    const values = column(bytes, `${where}: column ${fields[i]}`);
    if (values.length !== timestamps.length) {
      throw invalidArgument(`${where} has ${values.length} values of ${fields[i]} for ${timestamps.length} timestamps`);
    }
    return values;
  });
  let prev = -Infinity;
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    if (!Number.isSafeInteger(t)) throw invalidArgument(`${where} has timestamp ${t} at row ${i}; timestamps are integer epoch ms`);
    if (t <= prev) throw invalidArgument(`${where} has timestamps out of order at row ${i} (${t} after ${prev}); they must strictly increase`);
    prev = t;
  }
  return { symbol: block.symbol, fields, timestamps, columns };
}

function column(bytes: Uint8Array, what: string): Float64Array {
  if (bytes.byteLength % 8 !== 0) throw invalidArgument(`${what} has ${bytes.byteLength} bytes, not a whole number of float64 values`);
  return bytesToFloat64(bytes);
}
