import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkHealth } from '@florin/core';
import { RoleService, type ReadyLine } from '@florin/cli';
import { until } from '@florin/test-support';

describe('RoleService: a role kept running like an ECS service', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('replaces a SIGKILLed process with a new one at a new port, and stops for good on stop()', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'florin-role-service-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const lines: string[] = [];
    const service = new RoleService('coordinator', () => ['coordinator', '--store', `sqlite:${join(dir, 'c.sqlite')}`, '--port', '0'], {
      log: (l) => lines.push(l),
      minBackoffMs: 50,
    });
    cleanup.push(() => service.stop());
    const first = await service.start();
    expect(await checkHealth(first.address)).toBe('SERVING');

    const replaced: ReadyLine[] = [];
    service.onReplaced((r) => replaced.push(r));
    process.kill(first.pid, 'SIGKILL');
    const second = await until(() => replaced[0], 30_000, 'the replacement');
    expect(second.pid).not.toBe(first.pid);
    expect(service.current).toEqual(second);
    expect(service.restartCount).toBe(1);
    expect(await checkHealth(second.address)).toBe('SERVING');
    expect(lines.some((l) => l.startsWith('coordinator exited unexpectedly'))).toBe(true);

    await service.stop();
    expect(service.state).toBe('stopped');
    await expect(checkHealth(second.address, { timeoutMs: 1_000 })).rejects.toThrow();
    expect(service.restartCount).toBe(1);
  });
});
