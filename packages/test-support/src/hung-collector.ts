import { createServer, type Server, type Socket } from 'node:net';

/**
 * An OTLP collector that accepts connections, reads what it is sent and never answers (hung, or a black hole on
 * the way): every export to it waits out its timeout. `close()` hangs up on every connection, so that exports in
 * flight fail at once. Idempotent.
 */
export class HungCollector {
  private received = 0;
  private accepted = 0;
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | undefined;

  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      this.accepted++;
      this.sockets.add(socket);
      socket.on('data', (chunk: Buffer) => (this.received += chunk.length));
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on a free loopback port. */
  static async start(): Promise<HungCollector> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new HungCollector(server);
  }

  /** `127.0.0.1:<port>`, for the exporter's endpoint. */
  get endpoint(): string {
    return `127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Connections accepted so far. */
  connections(): number {
    return this.accepted;
  }

  /** Bytes the exporters have written to it so far. */
  bytes(): number {
    return this.received;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    return this.closing;
  }
}
