import { framesBitEqual, lowerBound, sliceRows, type SeriesFrame } from '@florin/core';
import type { DataClient } from '@florin/client';
import type { SampleMarket } from '@florin/store';
import type { SeriesQuery } from '@florin/core';

export interface SoakWorkload {
  /** Simulated QCU clients, each with one read in flight at a time. */
  readonly clients: number;
  /** Pause after each read (ms, uniform in [0, 2 * thinkMs]): the client's compute. */
  readonly thinkMs: number;
  /** Most symbols of one read (uniform in [1, maxSymbols]). */
  readonly maxSymbols: number;
  /** Every n-th read of the run is checked bit for bit against the market. */
  readonly verifyEvery: number;
  readonly seed: number;
}

/** What the clients did in one minute of the run. */
export interface SoakMinute {
  reads: number;
  points: number;
  errors: number;
  verified: number;
}

/**
 * QCU-like readers of overlapping windows: a block of consecutive symbols of
 * the universe at a random offset (so clients share symbols and chunks), a
 * window of 1 to `years` years ending anywhere in the history, `close` (two
 * reads in three) or every field. Each client reads, thinks, reads again until
 * stopped. Counts reads, points and failures per minute since start; every
 * verifyEvery-th answer is compared bit for bit with the generated market (a
 * mismatch counts as an error, with its first message kept).
 */
export class SoakClients {
  readonly minutes: SoakMinute[] = [];
  firstError: string | undefined;
  private stopped = false;
  private readonly started = performance.now();
  private random: () => number;
  private readCount = 0;
  private loops: Promise<void>[] = [];
  /** The market's frames, generated once each (verification reads them often). */
  private readonly frames = new Map<string, SeriesFrame>();

  constructor(
    private readonly data: readonly DataClient[],
    private readonly market: SampleMarket,
    private readonly workload: SoakWorkload,
  ) {
    this.random = mulberry32(workload.seed);
  }

  /** Starts every client (client i uses data[i % data.length]). */
  start(): void {
    for (let i = 0; i < this.workload.clients; i++) this.loops.push(this.loop(this.data[i % this.data.length]!));
  }

  /** Stops the clients and waits for their reads in flight. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private minute(): SoakMinute {
    const m = Math.floor((performance.now() - this.started) / 60_000);
    while (this.minutes.length <= m) this.minutes.push({ reads: 0, points: 0, errors: 0, verified: 0 });
    return this.minutes[m]!;
  }

  private async loop(data: DataClient): Promise<void> {
    // Spread the first reads over one think time so the clients do not start in lockstep.
    await sleep(this.random() * this.workload.thinkMs);
    while (!this.stopped) {
      const query = this.query();
      const verify = ++this.readCount % this.workload.verifyEvery === 0;
      try {
        const frames = await data.read(query);
        const m = this.minute();
        m.reads++;
        m.points += frames.reduce((n, f) => n + f.timestamps.length * f.columns.length, 0);
        if (verify) {
          this.check(query, frames);
          m.verified++;
        }
      } catch (err) {
        this.minute().errors++;
        this.firstError ??= err instanceof Error ? err.message : String(err);
      }
      await sleep(this.random() * 2 * this.workload.thinkMs);
    }
  }

  private query(): SeriesQuery {
    const { market } = this;
    const universe = market.symbols;
    const count = 1 + Math.floor(this.random() * Math.min(this.workload.maxSymbols, universe.length));
    const first = Math.floor(this.random() * universe.length);
    const symbols = Array.from({ length: count }, (_, k) => universe[(first + k) % universe.length]!);
    const ts = market.timestamps;
    const perYear = Math.floor(ts.length / market.config.years);
    const days = perYear * (1 + Math.floor(this.random() * market.config.years));
    const from = Math.floor(this.random() * Math.max(1, ts.length - days + 1));
    const range = { start: ts[from]!, end: from + days < ts.length ? ts[from + days]! : ts[ts.length - 1]! + 1 };
    const fields = this.random() < 2 / 3 ? ['close'] : [...market.dataset.fields];
    return { dataset: market.dataset.name, symbols, fields, range };
  }

  private check(query: SeriesQuery, frames: readonly SeriesFrame[]): void {
    if (frames.length !== query.symbols.length) throw new Error(`read of ${query.symbols.length} symbols answered ${frames.length} frames`);
    frames.forEach((f, i) => {
      const symbol = query.symbols[i]!;
      let whole = this.frames.get(symbol);
      if (!whole) this.frames.set(symbol, (whole = this.market.frame(symbol)));
      const rows = sliceRows(whole, lowerBound(whole.timestamps, query.range.start), lowerBound(whole.timestamps, query.range.end));
      const fields = query.fields!;
      const expected = { symbol: whole.symbol, fields, timestamps: rows.timestamps, columns: fields.map((name) => rows.columns[whole.fields.indexOf(name)]!) };
      if (!framesBitEqual(f, expected)) throw new Error(`the answer for ${f.symbol} (${fields.join(',')}) differs from the market`);
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A small seeded PRNG (mulberry32), so a run's queries can be repeated. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
