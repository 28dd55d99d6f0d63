import type { ServerResponse } from 'node:http';

/** How often an idle event stream gets a comment line (keeps proxies from closing it). */
const KEEPALIVE_MS = 15_000;

/**
 * The browsers following the dashboard's server-sent events (`GET /api/events`).
 * Each event is `event: <name>` and one JSON `data:` line.
 */
export class EventStreams {
  private readonly clients = new Set<ServerResponse>();
  private readonly keepalive: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly onCountChange: (count: number) => void = () => {}) {
    this.keepalive = setInterval(() => this.comment('keepalive'), KEEPALIVE_MS);
    this.keepalive.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Turns the response into an event stream and keeps it until the browser goes away. */
  add(res: ServerResponse, first: readonly { event: string; data: unknown }[] = []): void {
    if (this.closed) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    for (const e of first) res.write(frame(e.event, e.data));
    this.clients.add(res);
    this.onCountChange(this.clients.size);
    res.on('close', () => {
      if (this.clients.delete(res)) this.onCountChange(this.clients.size);
    });
  }

  send(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const text = frame(event, data);
    for (const res of this.clients) res.write(text);
  }

  /** Ends every stream. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepalive);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private comment(text: string): void {
    for (const res of this.clients) res.write(`: ${text}\n\n`);
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
