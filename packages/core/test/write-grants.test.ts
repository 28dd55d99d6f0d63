import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  checkWriteGrants,
  generateSigningKey,
  GrantIssuer,
  grantPublicJwk,
  GrantVerifier,
  issueToken,
  KeySetSource,
  TokenVerifier,
} from '../src/index.js';

describe('write grants', () => {
  it('verifies a grant once, answers later checks from the cache (synchronously), and refuses it once the lease expired', async () => {
    const key = await generateSigningKey();
    let now = Date.now();
    const verifier = new GrantVerifier(KeySetSource.of([grantPublicJwk(key)]), { now: () => now, clockToleranceSec: 0 });
    const grant = await new GrantIssuer(key).issue({ subject: 'qcu-1', jobId: 'job-1', dataset: 'out', symbols: ['A', 'B'], expiresAt: now + 30_000 }, now);
    expect(decodeProtectedHeader(grant)).toEqual({ alg: 'ES256', kid: key.kid, typ: 'florin-grant+jwt' });
    expect(decodeJwt(grant)).toEqual({ job: 'job-1', ds: 'out', sym: ['A', 'B'], iss: 'florin-coordinator', aud: 'florin-grant', sub: 'qcu-1', iat: Math.floor(now / 1000), exp: Math.ceil((now + 30_000) / 1000) });
    const scope = { dataset: 'out', symbols: ['B', 'A'], grants: [grant] };
    expect(await checkWriteGrants(verifier, 'qcu-1', scope)).toBeUndefined();
    for (let i = 0; i < 50; i++) expect(checkWriteGrants(verifier, 'qcu-1', scope)).toBeUndefined();
    expect(verifier.verified).toBe(1);
    expect(checkWriteGrants(verifier, 'qcu-1', { ...scope, symbols: ['C'] })).toBe('the write grants for dataset out (job job-1) do not cover symbol "C"; a task writes only its own symbols');
    now += 31_000;
    expect(checkWriteGrants(verifier, 'qcu-1', scope)).toBe("the write grant for job job-1 has expired (its lease ended); only a task's current lease may write");
  });

  it('keeps grant keys and token keys apart: a grant key verifies no token, a token key no grant', async () => {
    const tokenKey = await generateSigningKey();
    const grantKey = await generateSigningKey();
    const keys = KeySetSource.of([tokenKey.publicJwk, grantPublicJwk(grantKey)]);
    const tokenByGrantKey = await issueToken(grantKey, { subject: 'mallory', role: 'admin', ttlMs: 60_000 });
    await expect(new TokenVerifier(keys).verify(tokenByGrantKey)).rejects.toThrow(/unknown key/);
    const grantByTokenKey = await new GrantIssuer(tokenKey).issue({ subject: 'q', jobId: 'j', dataset: 'd', symbols: ['A'], expiresAt: Date.now() + 60_000 });
    expect(await checkWriteGrants(new GrantVerifier(keys), 'q', { dataset: 'd', symbols: ['A'], grants: [grantByTokenKey] })).toMatch(/signed by an unknown key/);
  });

  it('answers garbage grants with a refusal, never a throw', async () => {
    const key = await generateSigningKey();
    const verifier = new GrantVerifier(KeySetSource.of([grantPublicJwk(key)]));
    const real = await new GrantIssuer(key).issue({ subject: 'q', jobId: 'j', dataset: 'd', symbols: ['A'], expiresAt: Date.now() + 60_000 });
    const [h, p, s] = real.split('.') as [string, string, string];
    const grantArb = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom(`${h}.${p}.`, `${h}..${s}`, `${h}.${p}.${s}x`, `${h}.e30.${s}`, 'eyJhbGciOiJub25lIn0.e30.', `${p}.${h}.${s}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(grantArb, { minLength: 1, maxLength: 4 }), async (grants) => {
        const verdict = await checkWriteGrants(verifier, 'q', { dataset: 'd', symbols: ['A'], grants });
        expect(typeof verdict).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});
