import { describe, expect, it } from 'vitest';
import { concatFrames, decodeBlock, decodeReadChunk, encodeReadChunk, rowBytes, type OutgoingReadChunk, type ReadChunkMessage, type SeriesFrame } from '@florin/core';
import { readChunks } from '@florin/shard';
import { DAY_MS, expectSameSeries, syntheticFrame } from '@florin/test-support';

const FIELDS = ['open', 'close'];

/** A chunk as it arrives: through the Read serializer and deserializer. */
function wire(chunk: OutgoingReadChunk): ReadChunkMessage {
  return decodeReadChunk(encodeReadChunk(chunk));
}

function chunkBytesOf(blocks: { timestamps: Uint8Array; columns: Uint8Array[] }[]): number {
  return blocks.reduce((n, b) => n + b.timestamps.byteLength + b.columns.reduce((m, c) => m + c.byteLength, 0), 0);
}

describe('readChunks', () => {
  const long = syntheticFrame('LONG', FIELDS, 10_000, 0, DAY_MS, 1);
  const short = syntheticFrame('SHORT', FIELDS, 7, 0, DAY_MS, 2);
  const frames = new Map<string, SeriesFrame>([
    ['LONG', long],
    ['SHORT', short],
  ]);

  it('bounds every chunk, splits long series, marks last blocks and answers empty symbols', () => {
    const chunkBytes = 16 * 1024;
    const chunks = [...readChunks(['SHORT', 'NONE', 'LONG'], frames, FIELDS, chunkBytes)].map(wire);
    expect(chunks.length).toBeGreaterThan(10_000 * rowBytes(2) / chunkBytes - 1);
    for (const c of chunks) {
      expect(chunkBytesOf(c.blocks)).toBeLessThanOrEqual(chunkBytes);
      expect(c.fields).toEqual(FIELDS);
    }
    const blocks = chunks.flatMap((c) => c.blocks);
    expect(blocks.map((b) => b.symbol).filter((s, i, all) => all.indexOf(s) === i)).toEqual(['SHORT', 'NONE', 'LONG']);
    for (const symbol of ['SHORT', 'NONE', 'LONG']) {
      const mine = blocks.filter((b) => b.symbol === symbol);
      expect(mine.map((b) => b.last)).toEqual(mine.map((_, i) => i === mine.length - 1));
      const joined = concatFrames(symbol, FIELDS, mine.map((b) => decodeBlock(b, FIELDS)));
      expectSameSeries(joined, frames.get(symbol), symbol, FIELDS);
    }
    expect(blocks.filter((b) => b.symbol === 'LONG').length).toBeGreaterThan(1);
  });

  it('views the frame memory instead of copying it, and announces each symbol\'s rows on its first block', () => {
    const [chunk] = [...readChunks(['SHORT'], frames, FIELDS, 1024 * 1024)];
    const block = chunk!.blocks[0]!;
    expect(block.pieces[0]!.timestamps.buffer).toBe(short.timestamps.buffer);
    expect(block.pieces[0]!.columns[1]!.buffer).toBe(short.columns[1]!.buffer);
    const long = [...readChunks(['LONG'], frames, FIELDS, 16 * 1024)].flatMap((c) => c.blocks);
    expect(long.map((b) => b.totalRows)).toEqual(long.map((_, i) => (i === 0 ? 10_000 : 0)));
  });

  it('selects and orders the requested fields', () => {
    const [chunk] = [...readChunks(['SHORT'], frames, ['close'], 1024 * 1024)].map(wire);
    expectSameSeries(decodeBlock(chunk!.blocks[0]!, ['close']), { ...short, fields: ['close'], columns: [short.columns[1]!] }, 'SHORT', ['close']);
  });

  it('still makes progress when one row is larger than chunkBytes', () => {
    const chunks = [...readChunks(['SHORT'], frames, FIELDS, 8)].map(wire);
    expect(chunks).toHaveLength(7);
    expect(chunks.every((c) => c.blocks.length === 1 && c.blocks[0]!.timestamps.byteLength === 8)).toBe(true);
  });
});
