import { describe, expect, it } from 'vitest';
import type { MethodDefinition } from '@grpc/proto-loader';
import { SERVICES, serviceDefinition, type HeadStatsMessage, type JobMessage, type LeaseTasksResponseMessage, type TaskMessage } from '@florin/core';

/** What proto-loader (PROTO_LOADER_OPTIONS) hands over for an all-default message of a method's response. */
function decodedEmpty(service: string, method: string): unknown {
  const m = serviceDefinition(service)[method] as unknown as MethodDefinition<object, unknown>;
  return m.responseDeserialize(Buffer.alloc(0));
}

describe('generated wire types', () => {
  // Each literal is checked by the compiler against the generated Output type (every field, no other);
  // the test checks the runtime gives exactly that shape: null sub-messages, int64 as numbers, enums as names.
  it('describe what proto-loader gives at run time', () => {
    const job: JobMessage = {
      jobId: '',
      spec: null,
      state: 'JOB_STATE_UNSPECIFIED',
      progress: null,
      hasFinal: false,
      resultJson: '',
      error: '',
      errorStack: '',
      failedTaskIndex: 0,
      symbolCount: 0,
      createdMs: 0,
      updatedMs: 0,
      finishedMs: 0,
      owner: '',
      failureLog: [],
    };
    expect(decodedEmpty(SERVICES.job, 'Get')).toEqual(job);
    const stats: HeadStatsMessage = {
      nodeId: '',
      requests: 0,
      pointsServed: 0,
      upstreamRequests: 0,
      upstreamPoints: 0,
      joins: 0,
      cacheHits: 0,
      cachePartialHits: 0,
      cacheMisses: 0,
      cacheBytes: 0,
      cacheEntries: 0,
      evictions: 0,
      inflightBytes: 0,
      writes: 0,
      invalidations: 0,
      upstreamFailures: 0,
      upstreamRetries: 0,
      peerReads: 0,
      peerErrors: 0,
      peerFallbacks: 0,
      readP50Ms: 0,
      readP99Ms: 0,
      cacheMaxBytes: 0,
      writesCached: 0,
    };
    expect(decodedEmpty(SERVICES.head, 'GetStats')).toEqual(stats);
    const leased: LeaseTasksResponseMessage = { tasks: [], acks: [] };
    expect(decodedEmpty(SERVICES.work, 'LeaseTasks')).toEqual(leased);
    const task: TaskMessage = {
      taskId: '',
      jobId: '',
      index: 0,
      attempt: 0,
      unit: null,
      final: false,
      dataset: '',
      symbols: [],
      startMs: 0,
      endMs: 0,
      paramsJson: '',
      outputDataset: '',
      parts: [],
      leaseExpiresMs: 0,
      maxAttempts: 0,
      traceparent: '',
      grant: '',
    };
    const method = serviceDefinition(SERVICES.work).LeaseTasks as unknown as MethodDefinition<object, LeaseTasksResponseMessage>;
    expect(method.responseDeserialize(Buffer.from([0x0a, 0x00])).tasks).toEqual([task]);
  });
});
