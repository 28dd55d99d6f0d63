/**
 * Strict parsing of time text into epoch milliseconds. Date.parse is lenient
 * (it accepts "2024-02-30" and many informal forms), so imports and options
 * use these instead. Each returns a number, or a string saying what is wrong.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const INTEGER = /^-?\d{1,16}$/;

function calendarDay(year: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  const ms = Date.UTC(year, month - 1, day);
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}

/** YYYY-MM-DD as UTC midnight. */
export function parseDateText(text: string): number | string {
  const m = DATE.exec(text);
  if (!m) return `${JSON.stringify(text)} is not a date YYYY-MM-DD`;
  const ms = calendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
  return ms ?? `${JSON.stringify(text)} is not a calendar date`;
}

/** ISO-8601 date-time; without an offset it is taken as UTC. Sub-millisecond digits must be zero. */
export function parseDateTimeText(text: string): number | string {
  const m = DATE_TIME.exec(text);
  if (!m) return `${JSON.stringify(text)} is not an ISO-8601 date-time`;
  const day = calendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (day === undefined || hour > 23 || minute > 59 || second > 59) return `${JSON.stringify(text)} is not a valid date-time`;
  const fraction = m[7] ?? '';
  if (/[1-9]/.test(fraction.slice(3))) return `${JSON.stringify(text)} has sub-millisecond precision; timestamps are epoch milliseconds`;
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  let offset = 0;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || '0');
    if (hours > 23 || minutes > 59) return `${JSON.stringify(text)} has an invalid UTC offset`;
    offset = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  }
  return day + ((hour * 60 + minute) * 60 + second) * 1000 + millis - offset;
}

/** An integer number of epoch milliseconds. */
export function parseEpochText(text: string): number | string {
  if (!INTEGER.test(text)) return `${JSON.stringify(text)} is not an integer number of epoch milliseconds`;
  const ms = Number(text);
  return Number.isSafeInteger(ms) ? ms : `${text} is out of range for epoch milliseconds`;
}

/**
 * A date column: YYYY-MM-DD, an ISO-8601 date-time, or epoch milliseconds.
 * Bare integers of fewer than 9 digits are refused here (they would be the
 * first day of 1970, and are more likely a compact date like 20240102).
 */
export function parseTimeText(text: string): number | string {
  if (DATE.test(text)) return parseDateText(text);
  if (/^-?\d+$/.test(text)) {
    if (text.replace('-', '').length < 9) return `${JSON.stringify(text)} is ambiguous: use YYYY-MM-DD, ISO-8601 or epoch milliseconds (9+ digits)`;
    return parseEpochText(text);
  }
  const parsed = parseDateTimeText(text);
  return typeof parsed === 'number' ? parsed : `cannot parse date ${JSON.stringify(text)}: use YYYY-MM-DD, ISO-8601 or epoch milliseconds`;
}
