import type { ServerResponse } from 'node:http';

/** How often an idle event stream gets a comment line (keeps proxies from closing it). */
const KEEPALIVE_MS = 15_000;

/**
 * The browsers following the dashboard's server-sent events (`GET /api/events`).
 * Each event is `event: <name>` and one JSON `data:` line.
 */
export class EventStreams {
  /** Each stream with its group (the session it belongs to; '' without logins). */
  private readonly clients = new Map<ServerResponse, string>();
  private readonly keepalive: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly onCountChange: (group: string, count: number) => void = () => {}) {
    this.keepalive = setInterval(() => this.comment('keepalive'), KEEPALIVE_MS);
    this.keepalive.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Streams of one group. */
  countOf(group: string): number {
    let n = 0;
    for (const g of this.clients.values()) if (g === group) n++;
    return n;
  }

  /** Turns the response into an event stream of `group` and keeps it until the browser goes away. */
  add(res: ServerResponse, first: readonly { event: string; data: unknown }[] = [], group = ''): void {
    if (this.closed) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    for (const e of first) res.write(frame(e.event, e.data));
    this.clients.set(res, group);
    this.onCountChange(group, this.countOf(group));
    res.on('close', () => {
      if (this.clients.delete(res)) this.onCountChange(group, this.countOf(group));
    });
  }

  /** To every stream. */
  send(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const text = frame(event, data);
    for (const res of this.clients.keys()) res.write(text);
  }

  /** To the streams of one group. */
  sendTo(group: string, event: string, data: unknown): void {
    let text: string | undefined;
    for (const [res, g] of this.clients) {
      if (g !== group) continue;
      text ??= frame(event, data);
      res.write(text);
    }
  }

  /** Ends the streams of one group (its session ended). */
  endGroup(group: string): void {
    for (const [res, g] of this.clients) {
      if (g !== group) continue;
      this.clients.delete(res);
      res.end();
    }
  }

  /** Ends every stream. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepalive);
    for (const res of this.clients.keys()) res.end();
    this.clients.clear();
  }

  private comment(text: string): void {
    for (const res of this.clients.keys()) res.write(`: ${text}\n\n`);
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
