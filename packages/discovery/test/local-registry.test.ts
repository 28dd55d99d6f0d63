import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '@florin/test-support';
import { LocalRegistryDiscovery, localRegistryDirectory, type DiscoveryLogEntry } from '@florin/discovery';

const CHILD = fileURLToPath(new URL('./fixtures/register-member.mjs', import.meta.url));
const POLL_MS = 300;

function startMember(directory: string, service: string, id: string, address: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CHILD, directory, service, id, address], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`member process exited early with ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      if ((JSON.parse(line) as { event?: string }).event === 'registered') resolve(child);
    });
  });
}

describe('LocalRegistryDiscovery', () => {
  let dataDir: string;
  let directory: string;
  let logs: DiscoveryLogEntry[];
  const children: ChildProcess[] = [];
  const open: LocalRegistryDiscovery[] = [];
  const registry = (): LocalRegistryDiscovery => {
    const d = new LocalRegistryDiscovery({ directory, pollIntervalMs: POLL_MS, log: (e) => logs.push(e) });
    open.push(d);
    return d;
  };

  beforeEach(async () => {
    logs = [];
    dataDir = await mkdtemp(join(tmpdir(), 'florin-discovery-'));
    directory = localRegistryDirectory(dataDir);
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(open.splice(0).map((d) => d.close()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a member registered by a child process is seen by the parent; SIGKILL removes it within the poll interval', async () => {
    const d = registry();
    const watch = d.watch('heads');
    expect((await watch.ready()).members).toEqual([]);
    const child = await startMember(directory, 'heads', 'head-0', '127.0.0.1:7000');
    children.push(child);
    const m = await watch.ready({ minMembers: 1, timeoutMs: 5_000 });
    expect(m.members).toEqual([{ id: 'head-0', address: '127.0.0.1:7000', attributes: { FLORIN_ROLE: 'head' }, healthy: true }]);
    expect((await d.resolve('heads')).members.map((x) => x.id)).toEqual(['head-0']);

    const killedAt = Date.now();
    child.kill('SIGKILL');
    await until(() => watch.current()?.members.length === 0, 5_000, 'the killed member to disappear');
    const elapsed = Date.now() - killedAt;
    // Stated bound: one poll interval plus one directory read; the slack is for timers on a loaded 2-core machine.
    expect(elapsed).toBeLessThan(POLL_MS + 1_200);
    // Its file is still there (SIGKILL removes nothing), but a dead pid is not a member.
    expect(await readdir(join(directory, 'heads'))).toEqual(['head-0.member.json']);
    expect((await d.resolve('heads')).members).toEqual([]);
  });

  it('a member that exits gracefully deregisters its file and leaves the watch', async () => {
    const d = registry();
    const watch = d.watch('heads');
    const child = await startMember(directory, 'heads', 'head-1', '127.0.0.1:7001');
    children.push(child);
    await watch.ready({ minMembers: 1, timeoutMs: 5_000 });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await until(() => watch.current()?.members.length === 0, 5_000, 'the member to leave');
    expect(await readdir(join(directory, 'heads'))).toEqual([]);
  });

  it('a restarted member replaces its announcement; a dead owner cannot remove the new one', async () => {
    const a = registry();
    const b = registry();
    await a.register({ service: 'shards', id: 'shard-0', address: '127.0.0.1:9000', attributes: { FLORIN_PARTITION: '0' } });
    await b.register({ service: 'shards', id: 'shard-0', address: '127.0.0.1:9100', attributes: { FLORIN_PARTITION: '0' } });
    expect((await a.resolve('shards')).members.map((m) => m.address)).toEqual(['127.0.0.1:9100']);
    // Same process here, so deregistering removes it; no temporary files are ever left behind.
    await a.deregister('shards', 'shard-0');
    expect(await readdir(join(directory, 'shards'))).toEqual([]);
  });

  it('skips malformed files and members of dead processes', async () => {
    const dir = join(directory, 'heads');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'bad.member.json'), '{"id": "bad"');
    await writeFile(join(dir, 'noport.member.json'), JSON.stringify({ id: 'noport', address: '127.0.0.1', attributes: {}, pid: process.pid }));
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.once('exit', r));
    await writeFile(join(dir, 'dead.member.json'), JSON.stringify({ id: 'dead', address: '127.0.0.1:1', attributes: {}, pid: dead.pid }));
    await writeFile(join(dir, 'alive.member.json'), JSON.stringify({ id: 'alive', address: '127.0.0.1:2', attributes: {}, pid: process.pid }));
    const d = registry();
    expect((await d.resolve('heads')).members.map((m) => m.id)).toEqual(['alive']);
    expect(d.stats().malformedSkipped).toBe(2);
    expect(logs.map((l) => l.message).sort()).toEqual([
      `heads: skipped malformed member file ${join(dir, 'bad.member.json')}`,
      `heads: skipped malformed member file ${join(dir, 'noport.member.json')}`,
    ]);
  });
});
