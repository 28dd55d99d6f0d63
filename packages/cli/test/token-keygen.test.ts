import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrantIssuer, GrantSecrets, GrantVerifier, checkWriteGrants, isGrantKey, parseGrantKeys, parseKeySet } from '@florin/core';
import { runCli } from '@florin/test-support';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'florin-keygen-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('florin token keygen --grant', () => {
  it('makes an HS256 grant secret (0600, no JWKS entry); a second run puts a new secret first and keeps the old one', async () => {
    const out = join(dir, 'hs');
    const first = await runCli(['token', 'keygen', '--grant', '--out', out]);
    expect(first.code).toBe(0);
    const file = join(out, 'grant-key.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const [old] = parseGrantKeys(await readFile(file, 'utf8'), file);
    expect(old!.alg).toBe('HS256');
    expect(first.stdout).toBe(`new grant secret ${old!.kid} (HS256) in ${file}, holding 1 key(s); give the file to the coordinator, every head and every shard (--grant-key, or its contents as FLORIN_GRANT_KEY_JSON), never to QCUs\n`);
    expect(first.stdout).not.toContain(old!.privateJwk.k);
    await expect(stat(join(out, 'jwks.json'))).rejects.toThrow(/ENOENT/);

    expect((await runCli(['token', 'keygen', '--grant', '--out', out])).code).toBe(0);
    const keys = parseGrantKeys(await readFile(file, 'utf8'), file);
    expect(keys.map((k) => k.alg)).toEqual(['HS256', 'HS256']);
    expect(keys[1]).toEqual(old);
    // What the coordinator signs with (the first key) verifies on a server holding the file, and so does the old key's grant.
    const verifier = new GrantVerifier(undefined, { secrets: GrantSecrets.fromFile(file) });
    for (const key of keys) {
      const grant = new GrantIssuer(key).sign({ subject: 'q', jobId: 'j', dataset: 'out', symbols: ['A'], expiresAt: Date.now() + 60_000 });
      expect(await checkWriteGrants(verifier, 'q', { dataset: 'out', symbols: ['A'], grants: [grant] })).toBeUndefined();
    }
  });

  it('with --grant-alg ES256 makes a key pair whose public half joins the JWKS, marked as a grant key', async () => {
    const out = join(dir, 'es');
    expect((await runCli(['token', 'keygen', '--grant', '--grant-alg', 'ES256', '--out', out])).code).toBe(0);
    const [key] = parseGrantKeys(await readFile(join(out, 'grant-key.json'), 'utf8'), 'grant-key.json');
    expect(key!.alg).toBe('ES256');
    const text = await readFile(join(out, 'jwks.json'), 'utf8');
    expect(parseKeySet(text, 'jwks.json').keys.map((k) => [k.kid, isGrantKey(k)])).toEqual([[key!.kid, true]]);
    expect((JSON.parse(text) as { keys: object[] }).keys.map((k) => 'd' in k)).toEqual([false]);
  });
});
