import { createHmac } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  checkWriteGrants,
  generateGrantSecret,
  generateSigningKey,
  GrantIssuer,
  grantPublicJwk,
  GrantSecrets,
  GrantVerifier,
  KeySetSource,
  parseGrantKeys,
  type GrantKey,
} from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'florin-grant-secrets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scope = (expiresAt: number) => ({ subject: 'qcu-1', jobId: 'job-1', dataset: 'out', symbols: ['A', 'B'], expiresAt });
const secretBytes = (key: GrantKey) => Buffer.from(key.privateJwk.k!, 'base64url');

describe('HS256 write grants', () => {
  it('signs a compact JWS that jose verifies with the secret, with the exact header and claims', async () => {
    const key = generateGrantSecret();
    expect(key.alg).toBe('HS256');
    expect(secretBytes(key).length).toBe(32);
    const now = Date.now();
    const grant = new GrantIssuer(key).sign(scope(now + 30_000), now);
    expect(decodeProtectedHeader(grant)).toEqual({ alg: 'HS256', kid: key.kid, typ: 'florin-grant+jwt' });
    const { payload } = await jwtVerify(grant, secretBytes(key), { algorithms: ['HS256'], issuer: 'florin-coordinator', audience: 'florin-grant' });
    expect(payload).toEqual({ job: 'job-1', ds: 'out', sym: ['A', 'B'], iss: 'florin-coordinator', aud: 'florin-grant', sub: 'qcu-1', iat: Math.floor(now / 1000), exp: Math.ceil((now + 30_000) / 1000) });
    const [h, p, s] = grant.split('.') as [string, string, string];
    expect(s).toBe(createHmac('sha256', secretBytes(key)).update(`${h}.${p}`).digest('base64url'));
  });

  it('verifies with the shared secret, caches the verdict, and refuses other secrets, forged signatures and expired leases', async () => {
    const key = generateGrantSecret();
    let now = Date.now();
    const verifier = new GrantVerifier(undefined, { secrets: GrantSecrets.of([key]), now: () => now, clockToleranceSec: 0 });
    const grant = new GrantIssuer(key).sign(scope(now + 30_000), now);
    const write = { dataset: 'out', symbols: ['B'], grants: [grant] };
    expect(await checkWriteGrants(verifier, 'qcu-1', write)).toBeUndefined();
    expect(checkWriteGrants(verifier, 'qcu-1', write)).toBeUndefined();
    expect(verifier.verified).toBe(1);
    expect(checkWriteGrants(verifier, 'qcu-2', write)).toMatch(/issued to qcu-1, not to qcu-2/);
    // Another secret with the same kid: the signature does not verify.
    const impostor = new GrantIssuer({ kid: key.kid, privateJwk: { ...generateGrantSecret().privateJwk, kid: key.kid } }).sign(scope(now + 30_000), now);
    expect(await checkWriteGrants(verifier, 'qcu-1', { ...write, grants: [impostor] })).toBe("a write grant's signature does not verify");
    // A QCU widening its own grant (another symbol) breaks the signature.
    const [h, , s] = grant.split('.') as [string, string, string];
    const widened = Buffer.from(JSON.stringify({ ...decodeJwt(grant), sym: ['A', 'B', 'C'] })).toString('base64url');
    expect(await checkWriteGrants(verifier, 'qcu-1', { dataset: 'out', symbols: ['C'], grants: [`${h}.${widened}.${s}`] })).toBe("a write grant's signature does not verify");
    // A secret this server does not hold.
    const stranger = new GrantIssuer(generateGrantSecret()).sign(scope(now + 30_000), now);
    expect(await checkWriteGrants(verifier, 'qcu-1', { ...write, grants: [stranger] })).toMatch(/^a write grant is signed by an unknown key \(kid grant-/);
    now += 31_000;
    expect(checkWriteGrants(verifier, 'qcu-1', write)).toBe("the write grant for job job-1 has expired (its lease ended); only a task's current lease may write");
  });

  it('keeps algorithms apart: an HS256 grant under an ES256 key id, or an ES256 grant under a secret key id, is refused', async () => {
    const ec = await generateSigningKey();
    const secret = generateGrantSecret();
    const verifier = new GrantVerifier(KeySetSource.of([grantPublicJwk(ec)]), { secrets: GrantSecrets.of([secret]) });
    const expiresAt = Date.now() + 60_000;
    // Both kinds verify side by side (a rotation from ES256 to HS256).
    expect(await checkWriteGrants(verifier, 'qcu-1', { dataset: 'out', symbols: ['A'], grants: [new GrantIssuer(ec).sign(scope(expiresAt))] })).toBeUndefined();
    expect(await checkWriteGrants(verifier, 'qcu-1', { dataset: 'out', symbols: ['A'], grants: [new GrantIssuer(secret).sign(scope(expiresAt))] })).toBeUndefined();
    // The public key's JWK text used as an HMAC secret (the classic confusion) names the ES256 kid: refused.
    const confused = new GrantIssuer({ kid: ec.kid, privateJwk: { kty: 'oct', k: Buffer.from(JSON.stringify(ec.publicJwk)).toString('base64url'), kid: ec.kid } }).sign(scope(expiresAt));
    expect(await checkWriteGrants(verifier, 'qcu-1', { dataset: 'out', symbols: ['A'], grants: [confused] })).toBe('a write grant with this key id must be signed with ES256');
    const esUnderSecretKid = new GrantIssuer({ kid: secret.kid, privateJwk: { ...(await generateSigningKey()).privateJwk, kid: secret.kid } }).sign(scope(expiresAt));
    expect(await checkWriteGrants(verifier, 'qcu-1', { dataset: 'out', symbols: ['A'], grants: [esUnderSecretKid] })).toBe('a write grant with this key id must be signed with HS256');
  });

  it('picks up a rotated grant key file without a restart: the new secret is added, the old one later removed', async () => {
    const file = join(dir, 'grant-key.json');
    const old = generateGrantSecret();
    const next = generateGrantSecret();
    await writeFile(file, JSON.stringify(old.privateJwk));
    const verifier = new GrantVerifier(undefined, { secrets: GrantSecrets.fromFile(file, 0) });
    const expiresAt = Date.now() + 60_000;
    const byOld = new GrantIssuer(old).sign(scope(expiresAt));
    const byNext = new GrantIssuer(next).sign(scope(expiresAt));
    const write = (grant: string) => checkWriteGrants(verifier, 'qcu-1', { dataset: 'out', symbols: ['A'], grants: [grant] });
    expect(await write(byOld)).toBeUndefined();
    expect(await write(byNext)).toMatch(/signed by an unknown key/);
    await writeFile(file, JSON.stringify({ keys: [next.privateJwk, old.privateJwk] }));
    await utimes(file, new Date(), new Date(Date.now() + 2_000));
    // A refusal is remembered for a while (rejectTtlMs): a fresh grant of the new key verifies at once.
    expect(await write(new GrantIssuer(next).sign({ ...scope(expiresAt), symbols: ['A'] }))).toBeUndefined();
    await writeFile(file, JSON.stringify({ keys: [next.privateJwk] }));
    await utimes(file, new Date(), new Date(Date.now() + 4_000));
    const fresh = new GrantVerifier(undefined, { secrets: GrantSecrets.fromFile(file, 0) });
    expect(await checkWriteGrants(fresh, 'qcu-1', { dataset: 'out', symbols: ['A'], grants: [new GrantIssuer(old).sign(scope(expiresAt))] })).toMatch(/signed by an unknown key/);
  });

  it('refuses grant key files that hold no usable key, naming what a grant key is', () => {
    const short = { kty: 'oct', k: Buffer.alloc(16).toString('base64url'), kid: 'short' };
    expect(() => parseGrantKeys(JSON.stringify(short), 'grant.json')).toThrow(/grant\.json: a grant key is an HS256 secret \(kty oct, k of at least 32 bytes, kid\) or a private ES256 key/);
    expect(() => parseGrantKeys('{"kty":"oct","k":"' + Buffer.alloc(32).toString('base64url') + '"}', 'g')).toThrow(/a grant key is an HS256 secret/);
    expect(() => parseGrantKeys('not json', 'g')).toThrow('g holds no grant key (not JSON)');
    expect(() => parseGrantKeys('{"keys":[]}', 'g')).toThrow('g holds no grant key');
    const key = generateGrantSecret();
    expect(parseGrantKeys(JSON.stringify({ keys: [key.privateJwk] }), 'g')).toEqual([key]);
  });
});
