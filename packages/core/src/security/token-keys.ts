import { fixedSource, WatchedFile, type KeySource } from './watched-file.js';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose';

/** The one signing algorithm Florin tokens use. */
export const TOKEN_ALGORITHM = 'ES256';

/** A signing key: a private EC P-256 JWK with its kid (the key's JWK thumbprint). */
export interface SigningKey {
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/** Makes a new ES256 key pair; its kid is the RFC 7638 thumbprint of the public key. */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const meta = { kid, alg: TOKEN_ALGORITHM, use: 'sig' };
  return { kid, privateJwk: { ...(await exportJWK(privateKey)), ...meta }, publicJwk: { ...publicJwk, ...meta } };
}

/** Parses a private JWK file's text (what `florin token keygen` writes). */
export function parseSigningKey(text: string, origin: string): SigningKey {
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw new Error(`${origin} is not a JSON Web Key (not JSON)`);
  }
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string' || typeof jwk.kid !== 'string') {
    throw new Error(`${origin} is not a private ES256 JSON Web Key with a kid (kty EC, crv P-256, d, kid)`);
  }
  const { d: _d, ...publicJwk } = jwk;
  return { kid: jwk.kid, privateJwk: jwk, publicJwk };
}

/** Parses a JWKS (or a single public JWK) text; keys without a kid are refused. */
export function parseKeySet(text: string, origin: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${origin} is not a JSON Web Key Set (not JSON)`);
  }
  const keys = (parsed as { keys?: unknown }).keys ?? [parsed];
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`${origin} holds no keys`);
  const out: JWK[] = [];
  for (const key of keys as JWK[]) {
    if (typeof key !== 'object' || key === null || typeof key.kid !== 'string' || key.kty !== 'EC') {
      throw new Error(`${origin}: every key needs kty EC and a kid`);
    }
    const { d: _d, ...pub } = key; // a private key given by mistake is used for its public half only
    out.push({ ...pub, alg: TOKEN_ALGORITHM });
  }
  return { keys: out };
}

/**
 * Public keys that verify tokens, from a JWKS text or file. A file is re-read
 * when it changed (checked at most every `recheckMs`), so adding a new key
 * (rotation by kid) and later removing the old one needs no restart.
 */
export class KeySetSource {
  private constructor(private readonly source: KeySource<JSONWebKeySet>) {}

  static fromFile(file: string, recheckMs = 5_000): KeySetSource {
    return new KeySetSource(new WatchedFile(file, parseKeySet, recheckMs));
  }

  static fromText(text: string, origin = 'the key set'): KeySetSource {
    return new KeySetSource(fixedSource(parseKeySet(text, origin)));
  }

  static of(keys: readonly JWK[]): KeySetSource {
    return KeySetSource.fromText(JSON.stringify({ keys }));
  }

  /** The current keys; re-reads the file if it changed since the last check. */
  current(): JSONWebKeySet {
    return this.source.current();
  }

  /** Re-reads the file now (kept as it was if it is unreadable or invalid mid-rotation). */
  reload(): boolean {
    return this.source.reload();
  }

  kids(): string[] {
    return this.current().keys.map((k) => k.kid ?? '');
  }
}
