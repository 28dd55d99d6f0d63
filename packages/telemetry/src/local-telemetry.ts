import { createServer, type Server } from 'node:http';
import { OtlpReceiver } from './otlp-receiver.js';
import { processStats } from './process-stats.js';

/**
 * What `florin up --telemetry` runs in the cluster: an OTLP receiver every process pushes to, and a
 * loopback HTTP endpoint (GET /stats: processStats as JSON) that `florin stats` reads.
 * Lifecycle: created -> listening (start) -> closed (close, idempotent).
 */
export class LocalTelemetry {
  readonly receiver = new OtlpReceiver({ capacity: 50_000 });
  private readonly http: Server;
  private statsPort = 0;
  private closing: Promise<void> | undefined;

  constructor() {
    this.http = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/stats') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /stats\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ processes: processStats(this.receiver.store), requests: this.receiver.store.requestCounts }));
    });
  }

  /** Binds both on `host` (loopback); answers the OTLP endpoint (host:port) and the stats URL. */
  async start(host = '127.0.0.1'): Promise<{ endpoint: string; statsUrl: string }> {
    await this.receiver.listen(host, 0);
    this.statsPort = await new Promise<number>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(0, host, () => {
        const address = this.http.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    return { endpoint: this.receiver.endpoint, statsUrl: `http://${host}:${this.statsPort}/stats` };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await new Promise<void>((resolve) => {
        if (!this.http.listening) return resolve();
        this.http.close(() => resolve());
        this.http.closeAllConnections();
      });
      await this.receiver.close();
    })();
    return this.closing;
  }
}
