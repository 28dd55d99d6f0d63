import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@grpc/grpc-js';
import {
  FlorinError,
  FlorinServer,
  SERVICES,
  ServiceChannel,
  serviceDefinition,
  resolveLimits,
  unaryHandler,
  type DescribeShardResponseMessage,
  type ListSymbolsRequestMessage,
  type ListSymbolsResponseMessage,
  type UnaryMethod,
} from '@florin/core';

interface Stub extends Client {
  ListSymbols: UnaryMethod<{ dataset: string }, ListSymbolsResponseMessage>;
  DescribeShard: UnaryMethod<object, DescribeShardResponseMessage>;
}

/** A real server whose ListSymbols does what the dataset name says, through core's unaryHandler. */
describe('unaryHandler', () => {
  const unexpected: unknown[] = [];
  const aborted: unknown[] = [];
  const deadlines: number[] = [];
  let server: FlorinServer;
  let channel: ServiceChannel<Stub>;

  const serve = async (request: ListSymbolsRequestMessage, context: { deadlineAt: number; signal: AbortSignal }): Promise<ListSymbolsResponseMessage> => {
    deadlines.push(context.deadlineAt);
    switch (request.dataset) {
      case 'florin':
        throw new FlorinError('NOT_FOUND', 'unknown dataset "florin"');
      case 'bug':
        throw new Error('secret at /srv/florin/src/x.ts:1');
      case 'sync':
        return ((): never => {
          throw new TypeError('sync bug');
        })();
      case 'hang':
        return new Promise((_, reject) =>
          context.signal.addEventListener('abort', () => {
            aborted.push(context.signal.reason);
            reject(context.signal.reason as Error);
          }),
        );
      default:
        return { symbols: [request.dataset] };
    }
  };

  beforeAll(async () => {
    server = new FlorinServer({ limits: resolveLimits() });
    server.addService(SERVICES.shard, serviceDefinition(SERVICES.shard), {
      ListSymbols: unaryHandler(serve, { defaultDeadlineMs: 60_000, onUnexpected: (err) => unexpected.push(err) }),
      DescribeShard: unaryHandler(async () => ({ shardId: 1, shardCount: 2, store: 'x' }), { defaultDeadlineMs: 1_000 }),
    });
    const port = await server.listen('127.0.0.1', 0);
    channel = new ServiceChannel<Stub>(SERVICES.shard, 'test', `127.0.0.1:${port}`, {});
  });

  afterAll(async () => {
    channel?.close();
    await server?.close();
  });

  const list = (dataset: string, options?: { deadlineMs?: number; signal?: AbortSignal }) => channel.unary(channel.stub.ListSymbols, { dataset }, options);

  it('answers the implementation, with the caller deadline as deadlineAt', async () => {
    const before = Date.now();
    expect(await list('AAPL', { deadlineMs: 5_000 })).toEqual({ symbols: ['AAPL'] });
    expect(deadlines.at(-1)! - before).toBeGreaterThan(4_000);
    expect(deadlines.at(-1)! - before).toBeLessThanOrEqual(5_500);
    expect(await channel.unary(channel.stub.DescribeShard, {}, undefined)).toEqual({ shardId: 1, shardCount: 2, store: 'x' });
  });

  it('keeps a FlorinError status and message; anything else is INTERNAL without our message, told to onUnexpected', async () => {
    await expect(list('florin')).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'unknown dataset "florin"' });
    expect(unexpected).toEqual([]);
    await expect(list('bug')).rejects.toMatchObject({ code: 'INTERNAL', message: 'internal error' });
    await expect(list('sync')).rejects.toMatchObject({ code: 'INTERNAL', message: 'internal error' });
    expect(unexpected.map((e) => (e as Error).message)).toEqual(['secret at /srv/florin/src/x.ts:1', 'sync bug']);
  });

  it('fires the signal on the deadline and on cancellation', async () => {
    await expect(list('hang', { deadlineMs: 200 })).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    const until0 = Date.now() + 2_000;
    while (aborted.length < 1 && Date.now() < until0) await new Promise((r) => setTimeout(r, 10));
    // grpc-js cancels a call at its deadline itself, which may come first.
    expect(['DEADLINE_EXCEEDED', 'CANCELLED']).toContain((aborted[0] as FlorinError).code);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(list('hang', { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    const until = Date.now() + 2_000;
    while (aborted.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(aborted).toHaveLength(2);
    expect((aborted[1] as FlorinError).code).toBe('CANCELLED');
  });
});
