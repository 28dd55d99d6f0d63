import { describe, expect, it } from 'vitest';
import { StaticDiscovery, createDiscovery } from '@florin/discovery';

describe('StaticDiscovery', () => {
  it('resolves configured members, sorted by id, and filters by attributes', async () => {
    const d = new StaticDiscovery({
      services: {
        heads: ['127.0.0.1:7001', '127.0.0.1:7000'],
        shards: [
          { id: 'shard-1', address: '127.0.0.1:9001', attributes: { FLORIN_PARTITION: '1' } },
          { id: 'shard-0', address: '[::1]:9000', attributes: { FLORIN_PARTITION: '0' } },
        ],
      },
      log: () => {},
    });
    expect((await d.resolve('heads')).members).toEqual([
      { id: '0', address: '127.0.0.1:7001', attributes: {}, healthy: true },
      { id: '1', address: '127.0.0.1:7000', attributes: {}, healthy: true },
    ]);
    const p0 = await d.resolve('shards', { attributes: { FLORIN_PARTITION: '0' } });
    expect(p0.members.map((m) => m.address)).toEqual(['[::1]:9000']);
    await expect(d.resolve('coordinator')).rejects.toThrow('static discovery has no service coordinator (configured: heads, shards)');
    await d.close();
  });

  it('watch sees register and deregister at once; close ends the watch and is idempotent', async () => {
    const d = createDiscovery({ kind: 'static', services: { heads: [{ id: 'head-0', address: '127.0.0.1:7000' }] }, log: () => {} });
    const watch = d.watch('heads');
    expect((await watch.ready()).members.map((m) => m.id)).toEqual(['head-0']);
    const changes: string[][] = [];
    watch.onChange((m) => changes.push(m.members.map((x) => x.id)));
    await d.register({ service: 'heads', id: 'head-1', address: '127.0.0.1:7001' });
    await d.deregister('heads', 'head-0');
    await new Promise((r) => setTimeout(r, 50));
    expect(changes).toEqual([['head-0', 'head-1'], ['head-1']]);
    const pending = watch.ready({ minMembers: 5 });
    await Promise.all([d.close(), d.close()]);
    await expect(pending).rejects.toThrow('discovery watch of heads was closed');
    expect(watch.state).toBe('closed');
    expect(() => d.watch('heads')).toThrow('static discovery is closed');
  });

  it('rejects bad configuration and bad registrations with precise messages', async () => {
    expect(() => new StaticDiscovery({ services: { heads: ['nohost'] } })).toThrow('invalid member address "nohost"');
    expect(() => new StaticDiscovery({ services: { heads: ['h:0'] } })).toThrow('port in 1-65535');
    expect(() => new StaticDiscovery({ services: { 'bad name': [] } })).toThrow('invalid discovery service name "bad name"');
    expect(() => new StaticDiscovery({ services: { heads: [{ id: 'a', address: 'h:1' }, { id: 'a', address: 'h:2' }] } })).toThrow('lists member id a twice');
    const d = new StaticDiscovery({ services: {} });
    await expect(d.register({ service: 'heads', id: 'x/y', address: 'h:1' })).rejects.toThrow('invalid member id "x/y"');
    await d.close();
  });
});
