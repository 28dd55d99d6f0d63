import { invalidArgument } from './errors.js';

/** A half-open time range [start, end) in epoch milliseconds. */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

export function range(start: number, end: number): TimeRange {
  return { start, end };
}

/** Throws INVALID_ARGUMENT unless `r` is a non-empty, finite, integral half-open range. */
export function validateRange(r: TimeRange): TimeRange {
  if (!Number.isSafeInteger(r.start) || !Number.isSafeInteger(r.end)) {
    throw invalidArgument(`range bounds must be integer epoch milliseconds, got [${r.start}, ${r.end})`);
  }
  if (r.end < r.start) {
    throw invalidArgument(
      `range is inverted: start ${formatMs(r.start)} is after end ${formatMs(r.end)}; ranges are half-open [start, end)`,
    );
  }
  if (r.end === r.start) {
    throw invalidArgument(`range is empty: start equals end (${formatMs(r.start)}); ranges are half-open [start, end)`);
  }
  return r;
}

export function rangeLength(r: TimeRange): number {
  return Math.max(0, r.end - r.start);
}

export function isEmptyRange(r: TimeRange): boolean {
  return r.end <= r.start;
}

export function intersect(a: TimeRange, b: TimeRange): TimeRange | undefined {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return end > start ? { start, end } : undefined;
}

export function containsRange(outer: TimeRange, inner: TimeRange): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/**
 * Merges a list of ranges into a sorted list of disjoint, non-adjacent ranges.
 */
export function normalizeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const out: TimeRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) {
      if (r.end > last.end) out[out.length - 1] = { start: last.start, end: r.end };
    } else {
      out.push({ start: r.start, end: r.end });
    }
  }
  return out;
}

/** The parts of `need` not covered by any of `have` (which must be normalized). */
export function subtractRanges(need: TimeRange, have: readonly TimeRange[]): TimeRange[] {
  const gaps: TimeRange[] = [];
  let cursor = need.start;
  for (const h of have) {
    if (h.end <= cursor) continue;
    if (h.start >= need.end) break;
    if (h.start > cursor) gaps.push({ start: cursor, end: Math.min(h.start, need.end) });
    cursor = Math.max(cursor, h.end);
    if (cursor >= need.end) break;
  }
  if (cursor < need.end) gaps.push({ start: cursor, end: need.end });
  return gaps;
}

/** Expands `r` outward to multiples of `step` (epoch-aligned). */
export function alignOutward(r: TimeRange, step: number): TimeRange {
  return { start: Math.floor(r.start / step) * step, end: Math.ceil(r.end / step) * step };
}

export function formatMs(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/** Parses a date (YYYY-MM-DD or full ISO-8601) or an integer epoch-ms string into epoch ms. */
export function parseTime(text: string): number {
  const t = text.trim();
  if (/^-?\d+$/.test(t) && t.length > 8) return Number(t);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : t);
  if (Number.isNaN(ms)) throw invalidArgument(`cannot parse time "${text}"; use YYYY-MM-DD, ISO-8601 or epoch milliseconds`);
  return ms;
}
