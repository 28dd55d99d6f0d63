/**
 * A NYSE-style trading calendar computed by rule: weekdays minus New Year's
 * Day, Martin Luther King Jr. Day, Presidents' Day, Good Friday (optional),
 * Memorial Day, Juneteenth (from 2022), Independence Day, Labor Day,
 * Thanksgiving and Christmas, with weekend observance (Saturday -> Friday,
 * Sunday -> Monday; a Saturday New Year's Day is not observed, as at NYSE).
 * Days are UTC midnights in epoch milliseconds.
 */

const DAY_MS = 86_400_000;

export interface CalendarOptions {
  /** Close on Good Friday. Default true. */
  readonly goodFriday?: boolean;
}

/** UTC midnight of a calendar date (month 1-12). */
export function utcDay(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day);
}

/** The n-th (1-based) `weekday` (0 = Sunday) of a month; n = -1 for the last one. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = new Date(utcDay(year, month, 1)).getUTCDay();
    return utcDay(year, month, 1 + ((weekday - first + 7) % 7) + (n - 1) * 7);
  }
  const lastDate = new Date(Date.UTC(year, month, 0));
  const back = (lastDate.getUTCDay() - weekday + 7) % 7;
  return lastDate.getTime() - back * DAY_MS;
}

/** Easter Sunday (Gregorian, anonymous algorithm). */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return utcDay(year, month, day);
}

/** A fixed-date holiday moved off the weekend: Saturday -> Friday, Sunday -> Monday. */
function observed(day: number): number {
  const weekday = new Date(day).getUTCDay();
  if (weekday === 6) return day - DAY_MS;
  if (weekday === 0) return day + DAY_MS;
  return day;
}

/** The market holidays of `year` that fall on weekdays, sorted. */
export function marketHolidays(year: number, options: CalendarOptions = {}): number[] {
  const days: number[] = [];
  const newYear = utcDay(year, 1, 1);
  if (new Date(newYear).getUTCDay() !== 6) days.push(observed(newYear));
  days.push(nthWeekday(year, 1, 1, 3)); // Martin Luther King Jr. Day: third Monday of January
  days.push(nthWeekday(year, 2, 1, 3)); // Presidents' Day: third Monday of February
  if (options.goodFriday ?? true) days.push(easterSunday(year) - 2 * DAY_MS);
  days.push(nthWeekday(year, 5, 1, -1)); // Memorial Day: last Monday of May
  if (year >= 2022) days.push(observed(utcDay(year, 6, 19)));
  days.push(observed(utcDay(year, 7, 4)));
  days.push(nthWeekday(year, 9, 1, 1)); // Labor Day: first Monday of September
  days.push(nthWeekday(year, 11, 4, 4)); // Thanksgiving: fourth Thursday of November
  days.push(observed(utcDay(year, 12, 25)));
  return days.sort((a, b) => a - b);
}

/** Trading days in [first, last] (both UTC midnights, inclusive), ascending. */
export function tradingDays(first: number, last: number, options: CalendarOptions = {}): Float64Array {
  const out: number[] = [];
  const holidays = new Set<number>();
  const firstYear = new Date(first).getUTCFullYear();
  const lastYear = new Date(last).getUTCFullYear();
  for (let y = firstYear; y <= lastYear; y++) for (const h of marketHolidays(y, options)) holidays.add(h);
  for (let day = first; day <= last; day += DAY_MS) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !holidays.has(day)) out.push(day);
  }
  return Float64Array.from(out);
}
