import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, FlorinServer } from '@florin/core';
import { runCli } from '@florin/test-support';

describe('florin health', () => {
  let server: FlorinServer | undefined;
  afterEach(async () => {
    await server?.close(0);
    server = undefined;
  });

  it('exits 0 and prints SERVING for a serving server, 1 once it drains, 1 with the reason when nothing listens', async () => {
    server = new FlorinServer({ limits: DEFAULT_LIMITS });
    const port = await server.listen('127.0.0.1', 0);
    const serving = await runCli(['health', '--address', `127.0.0.1:${port}`]);
    expect(serving.code).toBe(0);
    expect(serving.stdout.trim()).toBe(`127.0.0.1:${port}: SERVING`);

    const byEnv = await runCli(['health'], { env: { FLORIN_PORT: String(port) } });
    expect(byEnv.code).toBe(0);

    await server.close(0);
    const down = await runCli(['health', '--address', `127.0.0.1:${port}`, '--timeout-ms', '1000']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^florin: (UNAVAILABLE|DEADLINE_EXCEEDED): /);
  });

  it('says what to give when it has no address', async () => {
    const r = await runCli(['health'], { env: { FLORIN_PORT: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('give --address host:port, or set FLORIN_PORT');
  });
});
