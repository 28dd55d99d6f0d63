import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, loadPackageDefinition, status, type Client, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS, protoRoot } from '@florin/core';
import { CoordinatorServer, openJobStore } from '@florin/coordinator';

type ListCall = (request: object, callback: (err: ServiceError | null, response?: { jobs: unknown[] }) => void) => void;

/** A plain grpc-js JobService client built from jobs.proto: no SDK, so it can send what the SDK never would. */
function rawJobService(address: string): Client & { List: ListCall } {
  const definition = loadSync('florin/v1/jobs.proto', { ...PROTO_LOADER_OPTIONS, includeDirs: [protoRoot()] });
  const grpc = loadPackageDefinition(definition) as unknown as { florin: { v1: { JobService: ServiceClientConstructor } } };
  return new grpc.florin.v1.JobService(address, credentials.createInsecure()) as unknown as Client & { List: ListCall };
}

function list(client: { List: ListCall }, request: object): Promise<{ jobs: unknown[] }> {
  return new Promise((resolve, reject) => client.List(request, (err, response) => (err ? reject(err) : resolve(response!))));
}

describe('JobService/List state filter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'florin-list-states-'));
  let server: CoordinatorServer;
  let client: Client & { List: ListCall };

  beforeAll(async () => {
    server = new CoordinatorServer({ store: await openJobStore(join(dir, 'jobs.db')) });
    const { address } = await server.start();
    client = rawJobService(address);
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers INVALID_ARGUMENT naming the valid states for an enum value outside jobs.proto', async () => {
    const err = (await list(client, { states: [99] }).catch((e: unknown) => e)) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toBe(
      'states: 99 is not a job state; use JOB_STATE_QUEUED, JOB_STATE_RUNNING, JOB_STATE_SUCCEEDED, JOB_STATE_FAILED, JOB_STATE_CANCELLED',
    );
  });

  it('answers INVALID_ARGUMENT for JOB_STATE_UNSPECIFIED, and lists for valid states', async () => {
    const err = (await list(client, { states: ['JOB_STATE_UNSPECIFIED'] }).catch((e: unknown) => e)) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^states: JOB_STATE_UNSPECIFIED is not a job state; use JOB_STATE_QUEUED, /);
    expect(await list(client, { states: ['JOB_STATE_QUEUED', 5] })).toEqual({ jobs: [], nextPageToken: '' });
  });
});
