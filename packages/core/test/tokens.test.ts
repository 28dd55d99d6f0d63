import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, issueToken, KeySetSource, TokenRejected, TokenVerifier, type SigningKey } from '../src/index.js';

let dir: string;
let first: SigningKey;
let second: SigningKey;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'florin-tokens-'));
  [first, second] = await Promise.all([generateSigningKey(), generateSigningKey()]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('TokenVerifier', () => {
  it('verifies a token once and answers later calls from its cache until it expires', async () => {
    let now = Date.now();
    const verifier = new TokenVerifier(KeySetSource.of([first.publicJwk]), { now: () => now });
    const token = await issueToken(first, { subject: 'alice', role: 'researcher', ttlMs: 60_000, nowMs: now });
    const identity = await verifier.verify(token);
    expect(identity).toMatchObject({ subject: 'alice', role: 'researcher', via: 'token' });
    for (let i = 0; i < 100; i++) await verifier.verify(token);
    expect(verifier.verified).toBe(1);
    now += 61_000;
    await expect(verifier.verify(token)).rejects.toThrow(new TokenRejected('the token has expired; get a new one (florin token issue)'));
  });

  it('rotates keys by kid: a key added to the JWKS file is trusted without a new verifier, a removed one is not', async () => {
    const file = join(dir, 'jwks.json');
    await writeFile(file, JSON.stringify({ keys: [first.publicJwk] }));
    const keys = KeySetSource.fromFile(file, 0);
    const verifier = new TokenVerifier(keys, { rejectTtlMs: 1 });
    const old = await issueToken(first, { subject: 'q', role: 'qcu', ttlMs: 60_000 });
    const next = await issueToken(second, { subject: 'q', role: 'qcu', ttlMs: 60_000 });
    await expect(verifier.verify(next)).rejects.toThrow(`the token is signed by an unknown key (kid ${second.kid})`);
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(file, JSON.stringify({ keys: [first.publicJwk, second.publicJwk] }));
    expect((await verifier.verify(next)).subject).toBe('q');
    expect((await verifier.verify(old)).role).toBe('qcu');
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(file, JSON.stringify({ keys: [second.publicJwk] }));
    const fresh = new TokenVerifier(keys);
    await expect(fresh.verify(old)).rejects.toThrow(`unknown key (kid ${first.kid})`);
  });

  it('refuses tokens that are not JWTs, carry no role, or were tampered with, naming why', async () => {
    const verifier = new TokenVerifier(KeySetSource.of([first.publicJwk]));
    await expect(verifier.verify('not-a-token')).rejects.toThrow('the bearer token is not a JWT');
    const token = await issueToken(first, { subject: 'alice', role: 'researcher', ttlMs: 60_000 });
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forged = [h, Buffer.from(JSON.stringify({ ...payload, florin_role: 'admin' })).toString('base64url'), s].join('.');
    await expect(verifier.verify(forged)).rejects.toThrow('the token signature does not verify');
  });
});
