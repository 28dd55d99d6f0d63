import { describe, expect, it } from 'vitest';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { checkHealth } from '@florin/core';
import { runFuzz, startQcuCluster } from '@florin/test-support';

/**
 * Hostile input (issue 12, item 5): fast-check draws random messages (NaN,
 * absurd numbers, huge repeated fields, lone surrogates, SQL in names, raw
 * malformed protobuf) for every method of every service of a real in-process
 * cluster (2 shards, 2 heads, a coordinator). Every answer must be a clear
 * status: no UNKNOWN, and INTERNAL only as grpc-js's own "Error deserializing
 * request" for malformed protobuf; afterwards every server is SERVING and a
 * normal read answers as before. The secure case does the same over TLS with
 * calls from random identities. `npm run fuzz -- --calls 100000 [--secure]` is the same at scale.
 */
describe('hostile input', () => {
  it('3,000 fuzzed calls to every method get a clear status and leave every server healthy', async () => {
    const run = await runFuzz({ calls: 3_000, seed: 12, concurrency: 16 });
    expect(run.unexpected).toEqual([]);
    expect(run.calls).toBe(3_000);
    expect(Object.values(run.byStatus).reduce((a, b) => a + b, 0)).toBe(3_000);
    expect(run.byStatus['UNKNOWN'] ?? 0).toBe(0);
    expect(run.byStatus['INVALID_ARGUMENT']).toBeGreaterThan(0);
    expect(Object.values(run.health)).toEqual(Array(5).fill('SERVING'));
    expect(run.readAfter).toBe(true);
  }, 90_000);

  it('1,000 fuzzed calls to a TLS + token cluster, each from a random identity, are refused by identity with UNAUTHENTICATED / PERMISSION_DENIED and leave every server healthy', async () => {
    const run = await runFuzz({ calls: 1_000, seed: 13, concurrency: 16, secure: true });
    expect(run.unexpected).toEqual([]);
    expect(run.calls).toBe(1_000);
    expect(run.byStatus['UNKNOWN'] ?? 0).toBe(0);
    // Every invalid identity is refused with UNAUTHENTICATED, on every method.
    for (const who of ['no token', 'malformed header', 'garbage token', 'expired token', 'unknown key', 'grant key as token']) {
      const counts = run.byIdentity![who]!;
      expect(Object.keys(counts).filter((code) => code !== 'RESOURCE_EXHAUSTED' && code !== 'DEADLINE_EXCEEDED')).toEqual(['UNAUTHENTICATED']);
    }
    expect(run.byIdentity!['researcher']!['PERMISSION_DENIED']).toBeGreaterThan(0);
    expect(run.byIdentity!['admin']!['PERMISSION_DENIED'] ?? 0).toBe(0);
    expect(Object.values(run.health)).toEqual(Array(5).fill('SERVING'));
    expect(run.readAfter).toBe(true);
  }, 120_000);

  it('a name decoding to a lone surrogate gets NOT_FOUND naming it, not a crash (grpc-js encodeURI threw on the echoed name)', async () => {
    const cluster = await startQcuCluster({ shardCount: 1 });
    const client = new Client(cluster.heads[0]!, credentials.createInsecure());
    try {
      // ListSymbolsRequest{dataset: ED A0 80}: CESU-8 for U+D800, which protobufjs decodes into a lone surrogate.
      const request = Buffer.from([0x0a, 0x03, 0xed, 0xa0, 0x80]);
      const answer = await new Promise<ServiceError | null>((resolve) =>
        client.makeUnaryRequest('/florin.v1.HeadService/ListSymbols', (b: Buffer) => b, (b: Buffer) => b, request, new Metadata(), { deadline: Date.now() + 5_000 }, (err) => resolve(err)),
      );
      expect(answer?.code).toBe(status.NOT_FOUND);
      expect(answer?.details).toContain('\uFFFD');
      expect(await checkHealth(cluster.heads[0]!)).toBe('SERVING');
    } finally {
      client.close();
      await cluster.close();
    }
  });
});
