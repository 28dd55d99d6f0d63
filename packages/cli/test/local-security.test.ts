import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, grantPublicJwk, parseGrantKeys } from '@florin/core';
import { ensureLocalSecurity, localRoleArgs, localSecurityFiles } from '@florin/cli';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'florin-local-security-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const grantKeyOf = async (file: string) => parseGrantKeys(await readFile(file, 'utf8'), file);
const jwksKids = async (file: string) => (JSON.parse(await readFile(file, 'utf8')) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

describe("florin up's local security", () => {
  it('makes an HS256 grant secret (0600) kept across runs, and a JWKS of the token key alone', async () => {
    const dataDir = join(dir, 'fresh');
    const files = await ensureLocalSecurity(dataDir, () => undefined);
    const [grant] = await grantKeyOf(files.grantKey);
    expect(grant!.alg).toBe('HS256');
    expect((await stat(files.grantKey)).mode & 0o777).toBe(0o600);
    const signing = JSON.parse(await readFile(files.signingKey, 'utf8')) as { kid: string };
    expect(await jwksKids(files.jwks)).toEqual([signing.kid]);
    await ensureLocalSecurity(dataDir, () => undefined);
    expect(await grantKeyOf(files.grantKey)).toEqual([grant]);
  });

  it("replaces an older run's ES256 grant key with an HS256 secret and drops its public half from the JWKS", async () => {
    const dataDir = join(dir, 'older');
    const files = localSecurityFiles(dataDir);
    await mkdir(files.dir, { recursive: true, mode: 0o700 });
    const old = await generateSigningKey();
    await writeFile(files.grantKey, JSON.stringify(old.privateJwk), { mode: 0o600 });
    await writeFile(files.jwks, JSON.stringify({ keys: [grantPublicJwk(old)] }));
    await ensureLocalSecurity(dataDir, () => undefined);
    const [grant] = await grantKeyOf(files.grantKey);
    expect(grant!.alg).toBe('HS256');
    expect(await jwksKids(files.jwks)).not.toContain(old.kid);
  });

  it('gives the grant key to the coordinator, heads and shards, never to a QCU', () => {
    const files = localSecurityFiles(join(dir, 'args'));
    for (const role of ['coordinator', 'head', 'shard'] as const) {
      const args = localRoleArgs(files, role);
      expect(args[args.indexOf('--grant-key') + 1]).toBe(files.grantKey);
    }
    expect(localRoleArgs(files, 'qcu')).not.toContain('--grant-key');
    expect(localRoleArgs(files, 'qcu').join(' ')).not.toContain('grant');
  });
});
