import { invalidArgument, type DatasetInfo, type SeriesFrame } from '@florin/core';
import { tradingDays, utcDay } from './calendar.js';
import { Sfc32 } from './prng.js';
import { parseDateText } from './time-text.js';
import { generateTickers } from './tickers.js';

/** The fields the sample market can produce. */
export const OHLCV_FIELDS = Object.freeze(['open', 'high', 'low', 'close', 'volume'] as const);

/** The sample market's dataset with default options. */
export const SAMPLE_DATASET: DatasetInfo = Object.freeze({ name: 'bars', fields: Object.freeze([...OHLCV_FIELDS]), frequency: '1d' });

export interface MarketOptions {
  /** How many symbols (unique 3-4 letter tickers). Default 500. */
  readonly symbols?: number;
  /** Years of history ending at `end`. Default 10. */
  readonly years?: number;
  /** Last calendar day, YYYY-MM-DD (UTC). Default '2025-12-31': fixed, so output never depends on today. */
  readonly end?: string;
  /** Seed of every random draw. Default 42. */
  readonly seed?: number;
  /** Fields to produce: open, high, low, close, volume, in any order. Default all five. */
  readonly fields?: readonly string[];
  /** Bar frequency; only daily bars are generated. Default '1d'. */
  readonly frequency?: '1d';
  /** Dataset name. Default 'bars'. */
  readonly dataset?: string;
  /** Close the market on Good Friday. Default true. */
  readonly goodFriday?: boolean;
}

export interface MarketConfig {
  readonly symbols: number;
  readonly years: number;
  readonly end: string;
  readonly seed: number;
  readonly fields: readonly string[];
  readonly frequency: '1d';
  readonly dataset: string;
  readonly goodFriday: boolean;
}

export const MARKET_DEFAULTS: MarketConfig = Object.freeze({
  symbols: 500,
  years: 10,
  end: '2025-12-31',
  seed: 42,
  fields: SAMPLE_DATASET.fields,
  frequency: '1d',
  dataset: 'bars',
  goodFriday: true,
});

/** A deterministic synthetic market: daily OHLCV bars from geometric Brownian motion on a trading calendar. */
export interface SampleMarket {
  readonly config: MarketConfig;
  readonly dataset: DatasetInfo;
  readonly symbols: readonly string[];
  /** The trading days (UTC midnights, epoch ms), shared by every symbol. */
  readonly timestamps: Float64Array;
  /** symbols x trading days. */
  readonly rowCount: number;
  /** One symbol's bars; the same bits on every call and machine. */
  frame(symbol: string): SeriesFrame;
  /** Every symbol's bars, one frame at a time (generated lazily). */
  frames(): IterableIterator<SeriesFrame>;
}

export function resolveMarketConfig(options: MarketOptions = {}): MarketConfig {
  const config = { ...MARKET_DEFAULTS, ...definedOnly(options) } as MarketConfig;
  if (!Number.isSafeInteger(config.symbols) || config.symbols < 1 || config.symbols > 100_000) {
    throw invalidArgument(`symbols must be an integer in [1, 100000], got ${String(config.symbols)}`);
  }
  if (!Number.isSafeInteger(config.years) || config.years < 1 || config.years > 100) {
    throw invalidArgument(`years must be an integer in [1, 100], got ${String(config.years)}`);
  }
  if (typeof parseDateText(config.end) !== 'number') {
    throw invalidArgument(`end must be a date YYYY-MM-DD, got ${JSON.stringify(config.end)}`);
  }
  if (!Number.isSafeInteger(config.seed)) throw invalidArgument(`seed must be an integer, got ${String(config.seed)}`);
  if (config.frequency !== '1d') throw invalidArgument(`the sample market makes daily bars only (frequency '1d'), got ${JSON.stringify(config.frequency)}`);
  const known: readonly string[] = OHLCV_FIELDS;
  if (config.fields.length === 0 || new Set(config.fields).size !== config.fields.length || !config.fields.every((f) => known.includes(f))) {
    throw invalidArgument(`fields must be distinct names among ${OHLCV_FIELDS.join(', ')}, got [${config.fields.join(', ')}]`);
  }
  return Object.freeze({ ...config, fields: Object.freeze([...config.fields]) });
}

/** Builds a sample market. Cheap: bars are generated only when frames are asked for. */
export function generateMarket(options: MarketOptions = {}): SampleMarket {
  const config = resolveMarketConfig(options);
  const [y, m, d] = config.end.split('-').map(Number) as [number, number, number];
  const last = parseDateText(config.end) as number;
  const first = utcDay(y - config.years, m, d) + 86_400_000;
  const timestamps = tradingDays(first, last, { goodFriday: config.goodFriday });
  const symbols = Object.freeze(generateTickers(config.symbols, config.seed));
  const index = new Map(symbols.map((s, i) => [s, i]));
  const dataset: DatasetInfo = Object.freeze({ name: config.dataset, fields: config.fields, frequency: config.frequency });
  const frame = (symbol: string): SeriesFrame => {
    const i = index.get(symbol);
    if (i === undefined) throw invalidArgument(`symbol ${symbol} is not in this sample market`);
    return simulateBars(symbol, new Sfc32(config.seed, i + 1), timestamps, config.fields);
  };
  return {
    config,
    dataset,
    symbols,
    timestamps,
    rowCount: symbols.length * timestamps.length,
    frame,
    *frames() {
      for (const symbol of symbols) yield frame(symbol);
    },
  };
}

const cents = (x: number): number => Math.max(0.01, Math.round(x * 100) / 100);

/**
 * One symbol's daily bars. Per-symbol drift, volatility, starting price and
 * typical volume; each day an overnight gap then an intraday GBM step, a high
 * and low beyond the open/close, and a volume that rises with the move. Prices
 * are in cents, so low <= min(open, close) <= max(open, close) <= high holds exactly.
 */
function simulateBars(symbol: string, random: Sfc32, timestamps: Float64Array, fields: readonly string[]): SeriesFrame {
  const n = timestamps.length;
  const drift = random.uniform(-0.05, 0.2);
  const vol = random.uniform(0.15, 0.55);
  const baseVolume = Math.exp(random.uniform(Math.log(2e5), Math.log(2e7)));
  const dailyVol = vol * Math.sqrt(1 / 252);
  const dailyDrift = (drift - (vol * vol) / 2) / 252;
  const bars: Record<(typeof OHLCV_FIELDS)[number], Float64Array> = {
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let previous = Math.exp(random.uniform(Math.log(5), Math.log(500)));
  for (let t = 0; t < n; t++) {
    const open = cents(previous * Math.exp(0.25 * dailyVol * random.nextNormal()));
    const move = dailyDrift + dailyVol * random.nextNormal();
    const close = cents(open * Math.exp(move));
    const up = Math.abs(random.nextNormal()) * 0.5 * dailyVol;
    const down = Math.abs(random.nextNormal()) * 0.5 * dailyVol;
    bars.open[t] = open;
    bars.close[t] = close;
    bars.high[t] = Math.max(cents(Math.max(open, close) * Math.exp(up)), open, close);
    bars.low[t] = Math.min(cents(Math.min(open, close) * Math.exp(-down)), open, close);
    bars.volume[t] = Math.max(1, Math.round(baseVolume * Math.exp(0.35 * random.nextNormal() + 3 * Math.abs(move))));
    previous = close;
  }
  return { symbol, fields, timestamps: timestamps.slice(), columns: fields.map((f) => bars[f as keyof typeof bars]) };
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
