import { framesBitEqual, type SeriesFrame } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import type { SampledAnswer } from './load-result.js';

/** What verifyAnswers found. */
export interface VerifyOutcome {
  /** Answers compared. */
  readonly checked: number;
  /** Points (rows x fields) compared bit for bit. */
  readonly points: number;
  /** One line per answer that differs from the reference. */
  readonly mismatches: readonly string[];
}

/**
 * Compares sampled answers bit for bit with a reference read of the same
 * query (e.g. straight from the shards, or from the stores). A symbol the
 * reference leaves out must have been answered with an empty frame.
 */
export async function verifyAnswers(
  samples: readonly SampledAnswer[],
  reference: (query: SeriesQuery) => Promise<readonly SeriesFrame[]>,
): Promise<VerifyOutcome> {
  const mismatches: string[] = [];
  let points = 0;
  for (const sample of samples) {
    const want = new Map((await reference(sample.query)).map((f) => [f.symbol, f]));
    const got = sample.frames;
    const label = `request ${sample.index} (${sample.query.symbols.join(',')} [${sample.query.range.start}, ${sample.query.range.end}))`;
    if (got.map((f) => f.symbol).join() !== [...new Set(sample.query.symbols)].join()) {
      mismatches.push(`${label}: answered symbols ${got.map((f) => f.symbol).join(',')}`);
      continue;
    }
    for (const frame of got) {
      const expected = want.get(frame.symbol);
      const ok = expected ? framesBitEqual(frame, expected) : frame.timestamps.length === 0;
      if (!ok) {
        mismatches.push(`${label}: ${frame.symbol} has ${frame.timestamps.length} rows, the reference ${expected?.timestamps.length ?? 0} (or their bits differ)`);
      }
      points += frame.timestamps.length * frame.columns.length;
    }
  }
  return { checked: samples.length, points, mismatches };
}
