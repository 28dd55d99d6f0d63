import { invalidArgument, parseTime, type DatasetInfo } from '@florin/core';
import type { DataClient } from '@florin/client';

export interface DatasetView extends DatasetInfo {
  symbolCount: number;
}

/** A page of a dataset's symbols (names filtered by a prefix). */
export interface SymbolsPage {
  total: number;
  symbols: string[];
}

const SYMBOL_COUNT_TTL_MS = 10_000;

/**
 * The data page's reads, all through the head nodes (the SDK's DataClient):
 * the catalog, symbol lists (cached for 10 s: a dataset's universe is one
 * ListSymbols fan-out over the shards) and one symbol's series.
 */
export class DataView {
  private readonly symbols = new Map<string, { atMs: number; names: Promise<string[]> }>();

  constructor(private readonly data: DataClient) {}

  async datasets(): Promise<DatasetView[]> {
    const infos = await this.data.listDatasets({ deadlineMs: 10_000 });
    const sorted = [...infos].sort((a, b) => a.name.localeCompare(b.name));
    return Promise.all(sorted.map(async (info) => ({ ...info, fields: [...info.fields], symbolCount: (await this.symbolsOf(info.name)).length })));
  }

  async symbolPage(dataset: string, prefix: string, offset: number, limit: number): Promise<SymbolsPage> {
    const all = await this.symbolsOf(dataset);
    const upper = prefix.toUpperCase();
    const matching = upper ? all.filter((s) => s.toUpperCase().startsWith(upper)) : all;
    return { total: matching.length, symbols: matching.slice(offset, offset + limit) };
  }

  /** One field of one symbol over [from, to) (dates or epoch ms; default: all of it). */
  async series(dataset: string, symbol: string, field: string, from: string | null, to: string | null): Promise<{ timestamps: number[]; values: number[] }> {
    const start = from ? timeOf(from, 'from') : 0;
    const end = to ? timeOf(to, 'to') : Date.now() + 86_400_000;
    if (!(end > start)) throw invalidArgument(`the range is empty or inverted: from ${from ?? 'the start'} to ${to ?? 'now'}`);
    const [frame] = await this.data.read({ dataset, symbols: [symbol], fields: [field], range: { start, end } }, { deadlineMs: 20_000 });
    if (!frame) return { timestamps: [], values: [] };
    const column = frame.columns[frame.fields.indexOf(field)];
    return { timestamps: Array.from(frame.timestamps), values: column ? Array.from(column) : [] };
  }

  private symbolsOf(dataset: string): Promise<string[]> {
    const cached = this.symbols.get(dataset);
    if (cached && Date.now() - cached.atMs < SYMBOL_COUNT_TTL_MS) return cached.names;
    const names = this.data.listSymbols(dataset, { deadlineMs: 10_000 });
    this.symbols.set(dataset, { atMs: Date.now(), names });
    names.catch(() => this.symbols.delete(dataset));
    return names;
  }
}

function timeOf(text: string, name: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  try {
    return parseTime(text);
  } catch {
    throw invalidArgument(`${name} must be a date (2024-01-31) or epoch milliseconds, got ${JSON.stringify(text)}`);
  }
}
