import { afterEach, describe, expect, it } from 'vitest';
import { CloudMapDouble, until } from '@florin/test-support';
import { CloudMapDiscovery, RelayedDiscovery, watchersOf } from '@florin/discovery';

describe('membership relayed by watcher heads', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('watchersOf picks the same k members from any order, and moves only the share of a member that left', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `head-${i}`);
    const w = watchersOf('heads-g0', ids, 3);
    expect(w).toHaveLength(3);
    expect(watchersOf('heads-g0', [...ids].reverse(), 3)).toEqual(w);
    const without = watchersOf('heads-g0', ids.filter((id) => id !== w[0]), 3);
    expect(without.slice(0, 2)).toEqual(w.slice(1));
    expect(watchersOf('shards', ids, 3)).not.toEqual(w);
    expect(watchersOf('x', ['a'], 3)).toEqual(['a']);
  });

  it('a watcher follows Cloud Map; a follower learns from its digest and accept(), with no Cloud Map call of its own', async () => {
    const double = await CloudMapDouble.start({ namespaces: ['florin.local'] });
    closers.push(() => double.close());
    double.createService('florin.local', 'heads');
    const watcher = new CloudMapDiscovery({
      namespace: 'florin.local', endpoint: double.url, credentials: { accessKeyId: 't', secretAccessKey: 't' }, pollIntervalMs: 30, fullRefreshMs: 0, log: () => {},
    });
    closers.push(() => watcher.close());
    const follower = new RelayedDiscovery({ log: () => {} });
    closers.push(() => follower.close());
    const source = watcher.watch('heads');
    await source.ready();
    // The relay a head would run: on each change, followers whose digest is older fetch the membership.
    source.onChange((m) => {
      if (follower.newerIn(new Map([[m.service, m.sourceRevision ?? 0]])).length > 0) {
        follower.accept({ service: m.service, sourceRevision: m.sourceRevision ?? 0, members: m.members });
      }
    });
    const view = follower.watch('heads');
    expect((await view.ready()).members).toEqual([]);
    double.putInstance('florin.local', 'heads', 'h0', { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '7000', FLORIN_ID: 'head-0' });
    await until(() => view.current()?.members.length === 1, 5_000, 'the relayed member');
    expect(view.current()?.members.map((m) => m.id)).toEqual(['head-0']);
    expect(follower.digest()).toEqual(new Map([['heads', double.revision('florin.local', 'heads')]]));
    // An older relay is ignored.
    expect(follower.accept({ service: 'heads', sourceRevision: 1, members: [] })).toBe(false);
    expect(view.current()?.members).toHaveLength(1);
    expect(follower.stats().calls).toEqual({ 'relay.read': expect.any(Number) });
    await expect(follower.register({ service: 'heads', id: 'x', address: '10.0.0.9:1' })).rejects.toThrow('relayed discovery cannot register heads/x');
  });
});
