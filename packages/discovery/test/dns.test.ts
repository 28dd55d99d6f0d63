import { createSocket, type Socket } from 'node:dgram';
import dnsPacket, { type Answer } from 'dns-packet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '@florin/test-support';
import { DnsDiscovery, type DnsDiscoveryOptions } from '@florin/discovery';

/** A real UDP DNS server on 127.0.0.1 answering from a mutable zone; unknown names are NXDOMAIN. */
class TinyDnsServer {
  readonly zone = new Map<string, Answer[]>();
  readonly queries: string[] = [];
  private constructor(private readonly socket: Socket) {}

  static async start(): Promise<TinyDnsServer> {
    const socket = createSocket('udp4');
    const server = new TinyDnsServer(socket);
    socket.on('message', (msg, rinfo) => server.answer(msg, rinfo.port, rinfo.address));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return server;
  }

  get address(): string {
    const { address, port } = this.socket.address();
    return `${address}:${port}`;
  }

  set(name: string, answers: Answer[]): void {
    this.zone.set(name, answers);
  }

  private answer(msg: Buffer, port: number, address: string): void {
    const query = dnsPacket.decode(msg);
    const q = query.questions?.[0];
    if (!q) return;
    this.queries.push(`${q.type} ${q.name}`);
    const records = this.zone.get(q.name);
    const answers = (records ?? []).filter((a) => a.type === q.type);
    const NXDOMAIN = 3;
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | (records ? 0 : NXDOMAIN),
      questions: [q],
      answers,
    });
    this.socket.send(response, port, address);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

describe('DnsDiscovery against a local UDP DNS server', () => {
  let server: TinyDnsServer;
  const open: DnsDiscovery[] = [];
  const discovery = (options: Partial<DnsDiscoveryOptions> & Pick<DnsDiscoveryOptions, 'mode'>): DnsDiscovery => {
    const d = new DnsDiscovery({ servers: [server.address], domain: 'florin.local', minRefreshMs: 100, log: () => {}, ...options });
    open.push(d);
    return d;
  };

  beforeEach(async () => {
    server = await TinyDnsServer.start();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
    await server.close();
  });

  it('SRV records give id (first target label), address and port', async () => {
    server.set('heads.florin.local', [
      { type: 'SRV', name: 'heads.florin.local', ttl: 1, data: { target: 'head-1.heads.florin.local', port: 7001, priority: 1, weight: 1 } },
      { type: 'SRV', name: 'heads.florin.local', ttl: 1, data: { target: 'head-0.heads.florin.local', port: 7000, priority: 1, weight: 1 } },
    ]);
    server.set('head-0.heads.florin.local', [{ type: 'A', name: 'head-0.heads.florin.local', ttl: 1, data: '10.0.0.10' }]);
    server.set('head-1.heads.florin.local', [{ type: 'A', name: 'head-1.heads.florin.local', ttl: 1, data: '10.0.0.11' }]);
    const d = discovery({ mode: 'srv' });
    const m = await d.resolve('heads');
    expect(m.members.map((x) => [x.id, x.address])).toEqual([
      ['head-0', '10.0.0.10:7000'],
      ['head-1', '10.0.0.11:7001'],
    ]);
    expect(m.members[0]?.attributes).toEqual({ DNS_NAME: 'heads.florin.local', SRV_TARGET: 'head-0.heads.florin.local', SRV_PRIORITY: '1', SRV_WEIGHT: '1' });
    expect(server.queries).toContain('SRV heads.florin.local');
  });

  it('A records with a known port are re-resolved on their TTL', async () => {
    const a = (ip: string, ttl: number): Answer => ({ type: 'A', name: 'shards.florin.local', ttl, data: ip });
    server.set('shards.florin.local', [a('10.0.0.1', 1), a('10.0.0.2', 1)]);
    const d = discovery({ mode: 'a', port: 9000 });
    const watch = d.watch('shards');
    expect((await watch.ready()).members.map((x) => x.address)).toEqual(['10.0.0.1:9000', '10.0.0.2:9000']);
    const changedAt = Date.now();
    server.set('shards.florin.local', [a('10.0.0.2', 1), a('10.0.0.3', 1)]);
    await until(() => watch.current()?.members[1]?.address === '10.0.0.3:9000', 5_000, 'the new record');
    // TTL 1 s: the change is seen within one TTL (plus a query).
    expect(Date.now() - changedAt).toBeLessThan(2_500);
    expect(watch.current()?.members.map((x) => x.id)).toEqual(['10.0.0.2:9000', '10.0.0.3:9000']);
    expect(d.stats().calls['dns.A']).toBeGreaterThanOrEqual(2);
  });

  it('NXDOMAIN is an empty service (wait for members), not an error; a dead server keeps the last answer', async () => {
    const d = discovery({ mode: 'a', port: 9000, timeoutMs: 200 });
    expect((await d.resolve('nobody')).members).toEqual([]);
    server.set('heads.florin.local', [{ type: 'A', name: 'heads.florin.local', ttl: 1, data: '10.0.0.5' }]);
    const watch = d.watch('heads');
    await watch.ready({ minMembers: 1 });
    await server.close();
    await until(() => watch.state === 'stale', 10_000, 'stale after the server went away');
    expect(watch.current()?.members.map((x) => x.address)).toEqual(['10.0.0.5:9000']);
    server = await TinyDnsServer.start(); // for afterEach
  });

  it('rejects bad options and registration', async () => {
    expect(() => new DnsDiscovery({ mode: 'a' })).toThrow("dns discovery in 'a' mode needs the members' port");
    const d = discovery({ mode: 'srv' });
    await expect(d.register({ service: 'heads', id: 'h', address: '10.0.0.1:1' })).rejects.toThrow('dns discovery cannot register heads/h');
  });
});
