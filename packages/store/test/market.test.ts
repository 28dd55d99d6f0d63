import { describe, expect, it } from 'vitest';
import { framesBitEqual, validateSymbol } from '@florin/core';
import { easterSunday, generateMarket, marketHolidays, SAMPLE_DATASET, tradingDays, utcDay } from '@florin/store';
import { expectCode } from './contract.js';

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

describe('trading calendar', () => {
  it('computes the NYSE holidays of 2025 by rule', () => {
    expect(marketHolidays(2025).map(iso)).toEqual([
      '2025-01-01', '2025-01-20', '2025-02-17', '2025-04-18', '2025-05-26',
      '2025-06-19', '2025-07-04', '2025-09-01', '2025-11-27', '2025-12-25',
    ]);
  });

  it('observes weekend holidays on Friday or Monday, skips a Saturday New Year and Juneteenth before 2022', () => {
    const h2021 = marketHolidays(2021).map(iso);
    expect(h2021).toContain('2021-07-05'); // July 4 on a Sunday
    expect(h2021).toContain('2021-12-24'); // Christmas on a Saturday
    expect(h2021.some((d) => d.startsWith('2021-06-1'))).toBe(false);
    expect(marketHolidays(2022).map(iso)).not.toContain('2021-12-31'); // New Year 2022 fell on a Saturday
    expect(marketHolidays(2022).map(iso)).toContain('2022-06-20'); // Juneteenth on a Sunday
    expect(marketHolidays(2023).map(iso)).toContain('2023-01-02'); // New Year on a Sunday
    expect(iso(easterSunday(2024))).toBe('2024-03-31');
    expect(marketHolidays(2024, { goodFriday: false }).map(iso)).not.toContain('2024-03-29');
  });

  it('has no weekends or holidays and matches NYSE day counts', () => {
    const count = (year: number): number => tradingDays(utcDay(year, 1, 1), utcDay(year, 12, 31)).length;
    expect([2019, 2021, 2022, 2023, 2024].map(count)).toEqual([252, 252, 251, 250, 252]);
    const days = tradingDays(utcDay(2016, 1, 1), utcDay(2025, 12, 31));
    for (const d of days) expect([0, 6]).not.toContain(new Date(d).getUTCDay());
    const holidays = new Set(Array.from({ length: 10 }, (_, i) => marketHolidays(2016 + i)).flat());
    expect(days.some((d) => holidays.has(d))).toBe(false);
    expect(days.length / 10).toBeGreaterThan(250);
    expect(days.length / 10).toBeLessThan(253);
  });
});

describe('sample market', () => {
  it('is deterministic: same seed, same bits; another seed, other bits', () => {
    const a = generateMarket({ symbols: 20, years: 2 });
    const b = generateMarket({ symbols: 20, years: 2 });
    const c = generateMarket({ symbols: 20, years: 2, seed: 7 });
    const fa = [...a.frames()];
    const fb = [...b.frames()];
    expect(fa.length).toBe(20);
    fa.forEach((f, i) => expect(framesBitEqual(f, fb[i]!)).toBe(true));
    expect(framesBitEqual(a.frame(a.symbols[3]!), fa[3]!)).toBe(true);
    expect(c.symbols).not.toEqual(a.symbols);
    // Prefix-stable: a smaller market is the start of a larger one.
    const small = generateMarket({ symbols: 5, years: 2 });
    expect(small.symbols).toEqual(a.symbols.slice(0, 5));
    expect(framesBitEqual(small.frame(small.symbols[4]!), fa[4]!)).toBe(true);
    // Pinned values, so any change to the generator is noticed.
    expect(a.symbols.slice(0, 3)).toEqual(['KAO', 'QQZ', 'TXM']);
    expect(fa[0]!.timestamps.length).toBe(503);
    expect(fa[0]!.columns.map((col) => col[col.length - 1])).toEqual([6.71, 6.81, 6.54, 6.64, 1076855]);
  });

  it('has the default shape: 500 unique valid tickers, ~10 years of trading days to 2025-12-31', () => {
    const market = generateMarket();
    expect(market.dataset).toEqual(SAMPLE_DATASET);
    expect(market.symbols.length).toBe(500);
    expect(new Set(market.symbols).size).toBe(500);
    for (const s of market.symbols) {
      expect(s).toMatch(/^[A-Z]{3,4}$/);
      validateSymbol(s);
    }
    expect(iso(market.timestamps[0]!)).toBe('2016-01-04');
    expect(iso(market.timestamps[market.timestamps.length - 1]!)).toBe('2025-12-31');
    expect(market.timestamps.length).toBeGreaterThan(2500);
    expect(market.timestamps.length).toBeLessThan(2530);
    expect(market.rowCount).toBe(500 * market.timestamps.length);
  });

  it('makes consistent OHLCV bars', () => {
    const market = generateMarket({ symbols: 50 });
    for (const f of market.frames()) {
      expect(f.fields).toEqual(['open', 'high', 'low', 'close', 'volume']);
      const [open, high, low, close, volume] = f.columns as Float64Array[];
      for (let t = 0; t < f.timestamps.length; t++) {
        const o = open![t]!;
        const c = close![t]!;
        const ok = low![t]! <= Math.min(o, c) && Math.max(o, c) <= high![t]! && low![t]! > 0 && volume![t]! > 0 && Number.isInteger(volume![t]!);
        if (!ok) {
          throw new Error(`inconsistent bar ${f.symbol} ${iso(f.timestamps[t]!)}: o=${o} h=${high![t]} l=${low![t]} c=${c} v=${volume![t]}`);
        }
      }
    }
  });

  it('produces only the fields asked for, and rejects bad options', async () => {
    const market = generateMarket({ symbols: 2, years: 1, fields: ['close', 'open'], dataset: 'prices' });
    expect(market.dataset).toEqual({ name: 'prices', fields: ['close', 'open'], frequency: '1d' });
    const full = generateMarket({ symbols: 2, years: 1 });
    const f = market.frame(market.symbols[1]!);
    const g = full.frame(full.symbols[1]!);
    expect([...f.columns[0]!]).toEqual([...g.columns[3]!]);
    await expectCode(() => generateMarket({ fields: ['vwap'] }), 'INVALID_ARGUMENT', /fields/);
    await expectCode(() => generateMarket({ symbols: 0 }), 'INVALID_ARGUMENT', /symbols/);
    await expectCode(() => generateMarket({ end: '2025-13-01' }), 'INVALID_ARGUMENT', /end/);
    await expectCode(() => generateMarket({ end: '2025-02-30' }), 'INVALID_ARGUMENT', /end/);
    await expectCode(() => market.frame('NOPE1'), 'INVALID_ARGUMENT', /not in this sample market/);
  });
});
