import { describe, expect, it } from 'vitest';
import { FlorinError, encodeBlock, framesBitEqual, sliceRows, type SeriesFrame } from '@florin/core';
import { SeriesAssembler } from '@florin/core';

const FIELDS = ['bid', 'ask'];

function frame(symbol: string, rows: number): SeriesFrame {
  const timestamps = Float64Array.from({ length: rows }, (_, i) => 1_700_000_000_000 + i * 1_000);
  return { symbol, fields: FIELDS, timestamps, columns: [timestamps.map((t) => t / 3), timestamps.map((t) => -t / 7)] };
}

/** Wire bytes at an odd offset, as protobuf decoding usually hands them over. */
function misaligned(bytes: Uint8Array): Uint8Array {
  const backing = new Uint8Array(bytes.byteLength + 3);
  backing.set(bytes, 3);
  return backing.subarray(3);
}

function caught(run: () => unknown): FlorinError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(FlorinError);
    return err as FlorinError;
  }
  throw new Error('expected a FlorinError');
}

describe('SeriesAssembler', () => {
  it('joins a symbol split over blocks and chunks, in request order, with empty frames for empty symbols', () => {
    const a = frame('A', 1_000);
    const b = frame('B', 10);
    const assembler = new SeriesAssembler(['B', 'EMPTY', 'A']);
    const parts = [sliceRows(a, 0, 300), sliceRows(a, 300, 301), sliceRows(a, 301, 1_000)].map((p, i) => {
      const block = encodeBlock(p, i === 2);
      return { ...block, timestamps: misaligned(block.timestamps), columns: block.columns.map(misaligned) };
    });
    assembler.add(FIELDS, [encodeBlock(b, true), parts[0]!]);
    assembler.add(FIELDS, [parts[1]!]);
    assembler.add(FIELDS, [parts[2]!, encodeBlock({ ...b, symbol: 'EMPTY', timestamps: new Float64Array(0), columns: [new Float64Array(0), new Float64Array(0)] }, true)]);
    const [gotB, empty, gotA] = assembler.finish(FIELDS);
    expect(framesBitEqual(gotA!, a)).toBe(true);
    expect(framesBitEqual(gotB!, b)).toBe(true);
    expect(empty!.timestamps.length).toBe(0);
    expect(empty!.columns.map((c) => c.length)).toEqual([0, 0]);
  });

  it('reports a broken stream as INTERNAL or UNAVAILABLE with what went wrong', () => {
    const a = frame('A', 4);
    expect(caught(() => new SeriesAssembler(['A']).add(FIELDS, [encodeBlock({ ...a, symbol: 'Z' }, true)])).message).toContain(
      'symbol "Z", which was not requested',
    );
    const twice = new SeriesAssembler(['A']);
    twice.add(FIELDS, [encodeBlock(a, true)]);
    expect(caught(() => twice.add(FIELDS, [encodeBlock(a, true)])).message).toContain('after its last one');
    const ragged = encodeBlock(a, true);
    const err = caught(() => new SeriesAssembler(['A']).add(FIELDS, [{ ...ragged, columns: [ragged.columns[0]!, ragged.columns[1]!.subarray(8)] }]));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toContain('columns of unequal length');
    const unfinished = new SeriesAssembler(['A']);
    unfinished.add(FIELDS, [encodeBlock(a, false)]);
    const cut = caught(() => unfinished.finish(FIELDS));
    expect(cut.code).toBe('UNAVAILABLE');
    expect(cut.message).toContain('ended before A was fully answered');
  });
});
