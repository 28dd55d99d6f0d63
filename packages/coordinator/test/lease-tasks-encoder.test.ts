import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MethodDefinition } from '@grpc/proto-loader';
import { LEASE_LOSS_REASONS, lossReasonName, serviceDefinition, type LeaseTasksResponseMessage, type TaskMessage } from '@florin/core';
import { encodeLeaseTasksResponse, withLeaseTasksEncoder } from '../src/lease-tasks-encoder.js';

const method = serviceDefinition('florin.v1.WorkService').LeaseTasks as unknown as MethodDefinition<object, LeaseTasksResponseMessage>;
const served = withLeaseTasksEncoder(serviceDefinition('florin.v1.WorkService')).LeaseTasks as unknown as MethodDefinition<object, LeaseTasksResponseMessage>;
/** proto-loader's own decoder (PROTO_LOADER_OPTIONS: defaults filled in, int64 as numbers). */
const decode = (bytes: Buffer): LeaseTasksResponseMessage => method.responseDeserialize(bytes);

function task(overrides: Partial<TaskMessage> = {}): TaskMessage {
  return {
    taskId: 'job-1/0',
    jobId: 'job-1',
    index: 0,
    attempt: 1,
    unit: { name: 'momentum', version: '1.0.0' },
    final: false,
    dataset: 'prices',
    symbols: ['AAPL'],
    startMs: 1_451_606_400_000,
    endMs: 1_767_225_600_000,
    paramsJson: '{"lookback":252}',
    outputDataset: 'momentum_signal',
    parts: [],
    leaseExpiresMs: 1_764_400_000_000,
    maxAttempts: 3,
    traceparent: '',
    grant: '',
    ...overrides,
  };
}

describe('LeaseTasksResponse encoder', () => {
  it('is what LeaseTasks servers answer with', () => {
    expect(served.responseSerialize).toBe(encodeLeaseTasksResponse);
    expect(method.responseSerialize).not.toBe(encodeLeaseTasksResponse);
  });

  it('decodes (proto-loader) to exactly the message it encoded', () => {
    const cases: LeaseTasksResponseMessage[] = [
      { tasks: [], acks: [] },
      { tasks: [task()], acks: [] },
      // Acks of the outcomes the lease carried: every reason, accepted or not, and with tasks.
      {
        tasks: [task()],
        acks: [
          { taskId: 'job-1/0', attempt: 1, accepted: true, reason: 'LEASE_LOSS_REASON_UNSPECIFIED' },
          ...LEASE_LOSS_REASONS.map((r, i) => ({ taskId: `job-1/${i}`, attempt: i + 2, accepted: i % 2 === 0, reason: lossReasonName(r) })),
          { taskId: '', attempt: 0, accepted: false, reason: 'LEASE_LOSS_REASON_UNSPECIFIED' },
        ],
      },
      { tasks: [], acks: [{ taskId: 'Ünïcødé/3', attempt: 2 ** 31, accepted: true, reason: 'LEASE_LOSS_REASON_ALREADY_COMPLETED' }] },
      {
        tasks: [
          task({ taskId: 'job-1/7', index: 7, attempt: 2 ** 31, symbols: ['Ünïcødé', '日本', 'A', ''] }),
          // Field 30 (a two-byte tag): the submit's trace context.
          task({ taskId: 'job-1/10', index: 10, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }),
          // Field 31 (a two-byte tag): the write grant, a JWT of any length.
          task({ taskId: 'job-1/11', index: 11, grant: `eyJhbGciOiJFUzI1NiJ9.${'e'.repeat(5000)}.sig` }),
          // Negative int64 (ranges before 1970) and the largest safe integer.
          task({ taskId: 'job-1/8', index: 8, startMs: -2_208_988_800_000, endMs: -1, leaseExpiresMs: 2 ** 53 - 1 }),
          // Defaults everywhere: proto3 leaves them out, the decoder fills them in.
          task({ taskId: 'job-1/9', index: 0, attempt: 0, unit: { name: '', version: '' }, dataset: '', symbols: [], startMs: 0, endMs: 0, paramsJson: '', outputDataset: '', leaseExpiresMs: 0, maxAttempts: 0 }),
          task({ taskId: 'job-2/3', jobId: 'job-2', index: 3, final: true, symbols: ['A', 'B', 'C'], parts: [{ index: 0, resultJson: '{"n":1}' }, { index: 1, resultJson: '' }, { index: 2, resultJson: '"é"'.repeat(100) }] }),
        ],
        acks: [],
      },
      { tasks: Array.from({ length: 300 }, (_, i) => task({ taskId: `job-3/${i}`, jobId: 'job-3', index: i, symbols: [`S${i}`], paramsJson: 'x'.repeat(200) })), acks: [] },
    ];
    for (const message of cases) expect(decode(encodeLeaseTasksResponse(message))).toEqual(message);
  });

  it('refuses an int64 field that is not a safe integer', () => {
    expect(() => encodeLeaseTasksResponse({ tasks: [task({ startMs: 2 ** 60 })], acks: [] })).toThrow(/not a safe integer/);
  });
});

describe('LeaseTasksResponse encoder on random messages', () => {
  /** Strings of any Unicode scalar values (lone surrogates do not survive UTF-8 in any codec). */
  const text = fc.string({ unit: 'binary', maxLength: 16 });
  const uint32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
  const int64 = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
  const randomTask: fc.Arbitrary<TaskMessage> = fc.record({
    taskId: text,
    jobId: text,
    index: uint32,
    attempt: uint32,
    // A message field: absent (null) or present, even with both strings empty.
    unit: fc.option(fc.record({ name: text, version: text }), { nil: null }),
    final: fc.boolean(),
    dataset: text,
    symbols: fc.array(text, { maxLength: 5 }),
    startMs: int64,
    endMs: int64,
    paramsJson: text,
    outputDataset: text,
    parts: fc.array(fc.record({ index: uint32, resultJson: text }), { maxLength: 4 }),
    leaseExpiresMs: int64,
    maxAttempts: uint32,
    traceparent: text,
    grant: text,
  });
  const randomAck = fc.record({
    taskId: text,
    attempt: uint32,
    accepted: fc.boolean(),
    reason: fc.constantFrom(lossReasonName(undefined), ...LEASE_LOSS_REASONS.map(lossReasonName)),
  });

  it('proto-loader decodes exactly the message, and reads it the same as what protobufjs itself encodes', () => {
    fc.assert(
      fc.property(fc.array(randomTask, { maxLength: 6 }), fc.array(randomAck, { maxLength: 6 }), (tasks, acks) => {
        const message: LeaseTasksResponseMessage = { tasks, acks };
        const ours = encodeLeaseTasksResponse(message);
        expect(decode(ours)).toEqual(message);
        // protobufjs writes fields set to their defaults too, so the bytes may differ; their meaning may not.
        expect(decode(ours)).toEqual(decode(method.responseSerialize(message)));
      }),
      { numRuns: 500 },
    );
  });
});
