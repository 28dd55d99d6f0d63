import { describe, expect, it } from 'vitest';
import type { MethodDefinition } from '@grpc/proto-loader';
import { serviceDefinition, type LeaseTasksResponseMessage } from '@florin/core';

describe('direct response encoders', () => {
  it('LeaseTasksResponse encodes straight from the plain object and decodes to the same message', () => {
    const method = serviceDefinition('florin.v1.WorkService').LeaseTasks as unknown as MethodDefinition<object, LeaseTasksResponseMessage>;
    const task = (index: number, final: boolean) => ({
      taskId: `j-1/${index}`,
      jobId: 'j-1',
      index,
      attempt: 3,
      unit: { name: 'momentum', version: '1.0.0' },
      final,
      dataset: 'prices',
      symbols: final ? ['AAPL', 'MSFT', 'Ünïcode'] : ['AAPL'],
      startMs: -86_400_000,
      endMs: 1_767_225_600_000,
      paramsJson: '{"lookback":252}',
      outputDataset: 'momentum_signal',
      parts: final ? [{ index: 0, resultJson: '{"n":1}' }, { index: 1, resultJson: 'null' }] : [],
      leaseExpiresMs: 2 ** 53 - 1,
      maxAttempts: 0,
    });
    const response: LeaseTasksResponseMessage = { tasks: [task(0, false), task(2, true)] };
    const bytes = method.responseSerialize(response);
    expect(method.responseDeserialize(bytes)).toEqual(response);
    expect(method.responseDeserialize(method.responseSerialize({ tasks: [] }))).toEqual({ tasks: [] });
  });
});
