import { emptyFrame, encodeBlock, rowBytes, sliceRows, type ReadChunkMessage, type SeriesBlockMessage } from '@florin/core';
import type { HeadReadResult } from './read-result.js';

/** Bytes a block costs on the wire besides its rows: tags, lengths, the symbol, the `last` flag. */
function blockOverhead(symbol: string, fieldCount: number): number {
  return 16 + symbol.length + 6 * (1 + fieldCount);
}

/**
 * Cuts a read's answer into ReadChunks of at most about `chunkBytes` each,
 * in request-symbol order, the same way a shard does: a long series spans
 * several SeriesBlocks (zero-copy views of the cached chunks), the final
 * block of each symbol has `last = true`, and a symbol without rows is one
 * empty block with `last = true`. A chunk holds at least one row.
 */
export function* readChunks(result: HeadReadResult, chunkBytes: number): Generator<ReadChunkMessage> {
  const { fields } = result;
  const perRow = rowBytes(fields.length);
  let blocks: SeriesBlockMessage[] = [];
  let size = 0;
  const flush = (): ReadChunkMessage => {
    const chunk = { fields, blocks };
    blocks = [];
    size = 0;
    return chunk;
  };

  for (const series of result.series) {
    const symbol = series.symbol;
    const pieces = series.pieces.filter((piece) => piece.timestamps.length > 0);
    const overhead = blockOverhead(symbol, fields.length);
    if (pieces.length === 0) {
      if (blocks.length > 0 && size + overhead > chunkBytes) yield flush();
      blocks.push(encodeBlock(emptyFrame(symbol, fields), true));
      size += overhead;
      continue;
    }
    for (let p = 0; p < pieces.length; p++) {
      const piece = pieces[p]!;
      const n = piece.timestamps.length;
      const lastPiece = p === pieces.length - 1;
      let from = 0;
      while (from < n) {
        let rows = Math.min(n - from, Math.floor((chunkBytes - size - overhead) / perRow));
        if (rows <= 0) {
          if (blocks.length > 0) {
            yield flush();
            continue;
          }
          rows = 1;
        }
        const to = from + rows;
        blocks.push(encodeBlock(from === 0 && to === n ? piece : sliceRows(piece, from, to), lastPiece && to === n));
        size += overhead + rows * perRow;
        from = to;
      }
    }
  }
  if (blocks.length > 0) yield flush();
}
