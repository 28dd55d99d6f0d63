import { describe, expect, it } from 'vitest';
import { FlorinError, GRPC_FRAME_HEADER_BYTES, decodeReadChunk, encodeBlock, encodeReadChunk, framesBitEqual, sliceRows, type SeriesFrame } from '@florin/core';
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

  it('shareMessages: symbols answered in one block each are views of the one received message, bit-exact; by default only a symbol filling its message is', () => {
    const frames = [frame('A', 400), frame('B', 37), frame('C', 1_000)];
    const message = encodeReadChunk({ fields: FIELDS, blocks: frames.map((f) => ({ symbol: f.symbol, pieces: [f], last: true, totalRows: f.timestamps.length })) });
    // As a gRPC receiver holds it: 5 bytes into an 8-byte aligned buffer.
    const framed = Buffer.from(new ArrayBuffer(message.byteLength + GRPC_FRAME_HEADER_BYTES));
    framed.set(message, GRPC_FRAME_HEADER_BYTES);
    const chunk = decodeReadChunk(framed.subarray(GRPC_FRAME_HEADER_BYTES));
    const symbols = frames.map((f) => f.symbol);

    const shared = new SeriesAssembler(symbols, { shareMessages: true });
    shared.add(chunk.fields, chunk.blocks);
    const got = shared.finish(FIELDS);
    got.forEach((f, i) => {
      expect(framesBitEqual(f, frames[i]!)).toBe(true);
      for (const a of [f.timestamps, ...f.columns]) expect(a.buffer).toBe(framed.buffer);
    });

    const own = new SeriesAssembler(symbols);
    own.add(chunk.fields, chunk.blocks);
    const copied = own.finish(FIELDS);
    copied.forEach((f, i) => expect(framesBitEqual(f, frames[i]!)).toBe(true));
    // C is 1,000 of the 1,437 rows: more than half of the message, so it is used in place; A and B are copied out.
    expect(copied.map((f) => f.timestamps.buffer === framed.buffer)).toEqual([false, false, true]);
  });
});

