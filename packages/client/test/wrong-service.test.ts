import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataClient } from '@florin/client';
import { failure, startShardCluster, type ShardCluster } from '@florin/test-support';

describe('an SDK pointed at a process that is not a head node', () => {
  let cluster: ShardCluster;
  let data: DataClient;

  beforeAll(async () => {
    cluster = await startShardCluster(1);
    // A shard's address given as a head's: the head service is not served there.
    data = new DataClient({ heads: [cluster.addresses[0]!] });
  });

  afterAll(async () => {
    data?.close();
    await cluster?.close();
  });

  it('fails at once with UNIMPLEMENTED, naming the missing method, instead of retrying it as down', async () => {
    const started = performance.now();
    const err = await failure(data.read({ dataset: 'daily', symbols: ['AAPL'], fields: ['close'], range: { start: 0, end: 86_400_000 } }, { deadlineMs: 20_000 }));
    expect(err.code).toBe('UNIMPLEMENTED');
    expect(err.message).toContain('does not implement the method');
    expect(err.message).toContain('HeadService');
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
