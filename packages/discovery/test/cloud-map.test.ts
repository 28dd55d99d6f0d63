import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudMapDouble, until } from '@florin/test-support';
import { CloudMapDiscovery, type CloudMapDiscoveryOptions, type DiscoveryLogEntry, FLORIN_PARTITION, groupByAttribute, type Membership } from '@florin/discovery';

const NS = 'florin.local';
const ids = (m: Membership | undefined): string[] => (m?.members ?? []).map((x) => `${x.id}@${x.address}`);

describe('CloudMapDiscovery against the wire-level Cloud Map double', () => {
  let double: CloudMapDouble;
  let logs: DiscoveryLogEntry[];
  const open: CloudMapDiscovery[] = [];
  const discovery = (options: Partial<CloudMapDiscoveryOptions> = {}): CloudMapDiscovery => {
    const d = new CloudMapDiscovery({
      namespace: NS,
      endpoint: double.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      pollIntervalMs: 50,
      fullRefreshMs: 0,
      backoff: { baseMs: 20, capMs: 200 },
      log: (e) => logs.push(e),
      ...options,
    });
    open.push(d);
    return d;
  };

  beforeEach(async () => {
    logs = [];
    double = await CloudMapDouble.start({ namespaces: [NS] });
    double.createService(NS, 'heads');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
    await double.close();
  });

  it('registers with AWS_INSTANCE_IPV4/PORT and FLORIN_ID, resolves, signs every request, never uses the data- host prefix', async () => {
    const d = discovery();
    await d.register({ service: 'heads', id: 'head-1', address: '127.0.0.1:7001', attributes: { FLORIN_ROLE: 'head' } });
    await d.register({ service: 'heads', id: 'head-0', address: '127.0.0.2:7000' });
    const m = await d.resolve('heads');
    expect(ids(m)).toEqual(['head-0@127.0.0.2:7000', 'head-1@127.0.0.1:7001']);
    expect(m.members[1]?.attributes).toEqual({ FLORIN_ROLE: 'head', FLORIN_ID: 'head-1', AWS_INSTANCE_IPV4: '127.0.0.1', AWS_INSTANCE_PORT: '7001' });
    expect(m.sourceRevision).toBe(double.revision(NS, 'heads'));
    const requests = double.requests();
    expect(requests.map((r) => r.operation)).toEqual(['ListNamespaces', 'ListServices', 'RegisterInstance', 'RegisterInstance', 'DiscoverInstances']);
    for (const r of requests) {
      expect(r.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\//);
      expect(r.host).toBe(new URL(double.url).host);
    }
    expect(requests[4]?.body).toEqual({ NamespaceName: NS, ServiceName: 'heads', HealthStatus: 'HEALTHY', MaxResults: 1000 });
  });

  it('a watch sees a register and a deregister by another process', async () => {
    const watcher = discovery();
    const other = discovery();
    const watch = watcher.watch('heads');
    expect((await watch.ready()).members).toEqual([]);
    await other.register({ service: 'heads', id: 'head-0', address: '127.0.0.1:7000' });
    await until(() => watch.current()?.members.length === 1, 5_000, 'the registered head');
    expect(ids(watch.current())).toEqual(['head-0@127.0.0.1:7000']);
    const seen: string[][] = [];
    watch.onChange((m) => seen.push(ids(m)));
    await other.deregister('heads', 'head-0');
    await until(() => watch.current()?.members.length === 0, 5_000, 'the deregistered head to leave');
    expect(seen).toEqual([[]]);
    expect(watch.current()?.version).toBe(3);
  });

  it('an async iterator yields each change and ends on close', async () => {
    const d = discovery();
    const watch = d.watch('heads');
    const got: string[][] = [];
    const done = (async () => {
      for await (const m of watch) {
        got.push(ids(m));
        if (m.members.length === 2) watch.close();
      }
    })();
    await watch.ready();
    double.putInstance(NS, 'heads', 'a', { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '1', FLORIN_ID: 'head-a' });
    await until(() => got.length === 2, 5_000, 'first member');
    double.putInstance(NS, 'heads', 'b', { AWS_INSTANCE_IPV4: '10.0.0.2', AWS_INSTANCE_PORT: '2', FLORIN_ID: 'head-b' });
    await done;
    expect(got).toEqual([[], ['head-a@10.0.0.1:1'], ['head-a@10.0.0.1:1', 'head-b@10.0.0.2:2']]);
    expect(watch.state).toBe('closed');
  });

  it('unchanged membership costs exactly one DiscoverInstancesRevision per poll', async () => {
    double.putInstance(NS, 'heads', 'a', { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '80', FLORIN_ID: 'head-a' });
    const d = discovery({ pollIntervalMs: 40 });
    const watch = d.watch('heads');
    await watch.ready();
    double.resetCalls();
    // Between polls (no call in flight), every refresh after the first was one DiscoverInstancesRevision call.
    const stats = await until(() => {
      const s = d.stats();
      const polls = (s.watches[0]?.refreshes ?? 0) - 1;
      return polls >= 10 && s.calls.DiscoverInstancesRevision === polls && double.calls('DiscoverInstancesRevision') === polls && s;
    }, 10_000, '10 polls with no call in flight');
    expect(double.calls('DiscoverInstances')).toBe(0);
    expect(double.requests().every((r) => r.operation === 'DiscoverInstancesRevision')).toBe(true);
    expect(stats.calls.DiscoverInstances).toBe(1);
    // A change costs one more DiscoverInstances.
    double.putInstance(NS, 'heads', 'b', { AWS_INSTANCE_IPV4: '10.0.0.2', AWS_INSTANCE_PORT: '80', FLORIN_ID: 'head-b' });
    await until(() => watch.current()?.members.length === 2, 5_000, 'the new member');
    expect(double.calls('DiscoverInstances')).toBe(1);
  });

  it('throttling and 5xx for a while keep the last good membership, back off with jitter, count and log, and recover', async () => {
    double.putInstance(NS, 'heads', 'a', { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '80', FLORIN_ID: 'head-a' });
    const d = discovery({ pollIntervalMs: 20 });
    const watch = d.watch('heads');
    await watch.ready();
    double.throttle(400);
    double.fail(800, { status: 503 });
    // Membership changes during the outage: seen only once the API answers again.
    double.putInstance(NS, 'heads', 'b', { AWS_INSTANCE_IPV4: '10.0.0.2', AWS_INSTANCE_PORT: '80', FLORIN_ID: 'head-b' });
    await until(() => watch.state === 'stale', 5_000, 'stale');
    expect(ids(watch.current())).toEqual(['head-a@10.0.0.1:80']);
    expect(watch.current()?.stale).toBe(true);
    await until(() => d.stats().throttled > 0, 5_000, 'a throttled call');
    await until(() => watch.state === 'live' && watch.current()?.members.length === 2, 10_000, 'recovery');
    const stats = d.stats();
    expect(stats.errors).toBeGreaterThan(stats.throttled);
    expect(stats.staleServes).toBe(stats.errors);
    expect(watch.current()?.stale).toBe(false);
    expect(logs.some((l) => l.level === 'warn' && /throttled.*keeping the last good membership \(1 members\)/.test(l.message))).toBe(true);
    expect(logs.some((l) => /refreshed again after \d+ failed attempt/.test(l.message))).toBe(true);
  });

  it('RequestLimitExceeded (HTTP 429) counts as throttling too', async () => {
    const d = discovery();
    const watch = d.watch('heads');
    await watch.ready();
    double.throttle(200, { type: 'RequestLimitExceeded' });
    await until(() => d.stats().throttled > 0, 5_000, 'a throttled call');
    expect(watch.current()?.members).toEqual([]);
  });

  it('an unknown namespace is an error at start naming it', async () => {
    const d = discovery({ namespace: 'nowhere.local' });
    await expect(d.start()).rejects.toThrow("Cloud Map namespace 'nowhere.local' not found");
    await expect(d.start()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const unchecked = discovery({ namespace: 'nowhere.local', checkNamespace: false });
    await expect(unchecked.watch('heads').ready()).rejects.toThrow(/Cloud Map namespace 'nowhere.local' not found \(DiscoverInstances: No namespace exists with name: nowhere.local\)/);
  });

  it('an unknown service fails the watch naming it; an empty service is an answer to wait on', async () => {
    const d = discovery();
    const missing = d.watch('shards');
    await expect(missing.ready()).rejects.toThrow("Cloud Map service 'shards' not found in namespace 'florin.local'");
    expect(missing.state).toBe('failed');
    await expect(d.resolve('shards')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(d.register({ service: 'shards', id: 's0', address: '127.0.0.1:1' })).rejects.toThrow("Cloud Map service 'shards' not found");
    const empty = d.watch('heads');
    await expect(empty.ready({ minMembers: 1, timeoutMs: 200 })).rejects.toThrow('no 1 members for heads after 200 ms (have 0; watch is live)');
    expect(logs.some((l) => l.message === 'heads: no members yet; waiting for some to register')).toBe(true);
    // Once the service exists, a new watch finds it (a failed watch is not reused).
    double.createService(NS, 'shards');
    expect((await d.watch('shards').ready()).members).toEqual([]);
    expect(missing.state).toBe('failed');
  });

  it('malformed instances are skipped and logged; required attributes are enforced', async () => {
    double.putInstance(NS, 'heads', 'ok', { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '80', FLORIN_ID: 'head-0' });
    double.putInstance(NS, 'heads', 'noaddr', { AWS_INSTANCE_PORT: '80', FLORIN_ID: 'head-1' });
    double.putInstance(NS, 'heads', 'badport', { AWS_INSTANCE_IPV4: '10.0.0.3', AWS_INSTANCE_PORT: '99999', FLORIN_ID: 'head-2' });
    double.putInstance(NS, 'heads', 'noid', { AWS_INSTANCE_IPV4: '10.0.0.4', AWS_INSTANCE_PORT: '80' });
    const d = discovery({ requiredAttributes: ['FLORIN_ID'] });
    const m = await d.resolve('heads');
    expect(ids(m)).toEqual(['head-0@10.0.0.1:80']);
    expect(d.stats().malformedSkipped).toBe(3);
    const messages = logs.map((l) => l.message).sort();
    expect(messages).toEqual([
      'heads: skipped malformed instance badport: bad AWS_INSTANCE_PORT "99999"',
      'heads: skipped malformed instance noaddr: no AWS_INSTANCE_IPV4 or AWS_INSTANCE_IPV6 attribute',
      'heads: skipped malformed instance noid: missing attribute(s) FLORIN_ID',
    ]);
    // Without the requirement the id falls back to ECS_SERVICE_NAME, then the InstanceId.
    double.putInstance(NS, 'heads', 'ecs-task-1', { AWS_INSTANCE_IPV4: '10.0.0.5', AWS_INSTANCE_PORT: '80', ECS_SERVICE_NAME: 'head-7' });
    const loose = await discovery().resolve('heads');
    expect(ids(loose)).toEqual(['head-0@10.0.0.1:80', 'head-7@10.0.0.5:80', 'noid@10.0.0.4:80']);
  });

  it('filters by health status and query parameters', async () => {
    double.createService(NS, 'shards', { healthCheck: true });
    const put = (id: string, partition: string, ip: string): void =>
      double.putInstance(NS, 'shards', id, { AWS_INSTANCE_IPV4: ip, AWS_INSTANCE_PORT: '9000', FLORIN_ID: id, FLORIN_PARTITION: partition });
    put('s0a', '0', '10.0.0.1');
    put('s0b', '0', '10.0.0.2');
    put('s1a', '1', '10.0.0.3');
    double.setHealth(NS, 'shards', 's0b', 'UNHEALTHY');
    expect(ids(await discovery().resolve('shards'))).toEqual(['s0a@10.0.0.1:9000', 's1a@10.0.0.3:9000']);
    const all = await discovery({ healthStatus: 'ALL' }).resolve('shards');
    expect(all.members.map((m) => [m.id, m.healthy])).toEqual([['s0a', true], ['s0b', false], ['s1a', true]]);
    const d = discovery({ healthStatus: 'ALL' });
    expect(ids(await d.resolve('shards', { attributes: { FLORIN_PARTITION: '0' } }))).toEqual(['s0a@10.0.0.1:9000', 's0b@10.0.0.2:9000']);
    expect(double.requests().at(-1)?.body.QueryParameters).toEqual({ FLORIN_PARTITION: '0' });
    const partitions = groupByAttribute((await d.resolve('shards')).members, FLORIN_PARTITION);
    expect([...partitions].map(([p, ms]) => [p, ms.map((m) => m.id)])).toEqual([['0', ['s0a', 's0b']], ['1', ['s1a']]]);
    // A health flip does not move the revision; the periodic full refresh finds it.
    const watcher = discovery({ fullRefreshMs: 100 });
    const watch = watcher.watch('shards', { attributes: { FLORIN_PARTITION: '0' } });
    expect(ids(await watch.ready())).toEqual(['s0a@10.0.0.1:9000']);
    const revision = double.revision(NS, 'shards');
    double.setHealth(NS, 'shards', 's0b', 'HEALTHY');
    await until(() => watch.current()?.members.length === 2, 5_000, 's0b healthy again');
    expect(double.revision(NS, 'shards')).toBe(revision);
  });

  it('follows a namespace shared by another account through OwnerAccount', async () => {
    const owner = '222222222222';
    double.createNamespace('shared.local', { owner });
    double.createService('shared.local', 'heads', { owner });
    double.putInstance('shared.local', 'heads', 'h', { AWS_INSTANCE_IPV4: '10.1.0.1', AWS_INSTANCE_PORT: '80', FLORIN_ID: 'head-0' }, { owner });
    await expect(discovery({ namespace: 'shared.local' }).start()).rejects.toThrow("Cloud Map namespace 'shared.local' not found");
    const d = discovery({ namespace: 'shared.local', ownerAccount: owner });
    await d.start();
    expect(ids(await d.resolve('heads'))).toEqual(['head-0@10.1.0.1:80']);
    expect(double.requests().at(-1)?.body.OwnerAccount).toBe(owner);
    const watch = d.watch('heads');
    await watch.ready();
    double.resetCalls();
    await until(() => double.calls('DiscoverInstancesRevision') >= 2, 5_000, 'revision polls');
    expect(double.requests().every((r) => r.body.OwnerAccount === owner)).toBe(true);
  });

  it('ensureServices creates what is missing once; close() deregisters what it registered and is idempotent', async () => {
    const d = discovery();
    const created = await d.ensureServices(['heads', 'shards', 'coordinator']);
    expect([...created.keys()]).toEqual(['heads', 'shards', 'coordinator']);
    expect(double.calls('CreateService')).toBe(2);
    await discovery().ensureServices(['shards']);
    expect(double.calls('CreateService')).toBe(2);
    await d.register({ service: 'shards', id: 'shard-0', address: '127.0.0.1:9000', attributes: { FLORIN_PARTITION: '0' } });
    expect(double.instanceIds(NS, 'shards')).toEqual(['shard-0']);
    await expect(d.register({ service: 'shards', id: 'shard-1', address: 'localhost:9000' })).rejects.toThrow('Cloud Map needs an IP address to register shards/shard-1, got host localhost');
    const watch = d.watch('shards');
    await watch.ready();
    await Promise.all([d.close(), d.close()]);
    expect(double.instanceIds(NS, 'shards')).toEqual([]);
    expect(watch.state).toBe('closed');
    expect(d.state).toBe('closed');
    await d.close();
  });

  it('ensureServices can create the namespace too (a blank Cloud Map endpoint)', async () => {
    const d = discovery({ namespace: 'fresh.local' });
    await d.ensureServices(['heads'], { createNamespace: true });
    expect(double.calls('CreateHttpNamespace')).toBe(1);
    await d.register({ service: 'heads', id: 'head-0', address: '127.0.0.1:7000' });
    expect(ids(await d.resolve('heads'))).toEqual(['head-0@127.0.0.1:7000']);
    await discovery({ namespace: 'fresh.local' }).ensureServices(['heads'], { createNamespace: true });
    expect(double.calls('CreateHttpNamespace')).toBe(1);
  });
});
