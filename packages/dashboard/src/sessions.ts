import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { FlorinError, TokenRejected, type CallerIdentity, type TokenVerifier } from '@florin/core';

/** The cookie that names a browser's session (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'florin_session';

/** What a session holds open for its caller (an SDK connection with the caller's token, a job feed), closed when it ends. */
export interface SessionResources {
  close(): void;
}

export interface Session<R extends SessionResources> {
  readonly id: string;
  readonly identity: CallerIdentity;
  readonly resources: R;
}

export interface SessionOptions {
  /** How long a login code printed by `florin up` / `florin dashboard` stays usable (default 10 min); it works once. */
  codeTtlMs?: number;
  /** Sessions kept at most (default 1,000; the oldest is ended first). */
  maxSessions?: number;
  /** Login codes outstanding at most (default 100; the oldest is dropped first). */
  maxCodes?: number;
}

/**
 * The dashboard's logins, when the cluster is secure: a browser logs in with
 * a token (pasted into the page) or a one-time login code (a URL `florin up`
 * prints); the token is verified with the cluster's token keys, and the
 * session (a random id in an HttpOnly cookie) lasts until the token expires.
 * Each session calls the cluster with its caller's token, so the API's roles
 * and job owners apply to what the page shows and does.
 */
export class DashboardSessions<R extends SessionResources> {
  private readonly sessions = new Map<string, Session<R> & { expiresAt: number }>();
  private readonly codes = new Map<string, { token: string; expiresAt: number }>();
  private readonly sweep: NodeJS.Timeout;
  private readonly codeTtlMs: number;
  private readonly maxSessions: number;
  private readonly maxCodes: number;
  private closed = false;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly open: (id: string, identity: CallerIdentity, token: string) => R,
    options: SessionOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.codeTtlMs = options.codeTtlMs ?? 10 * 60_000;
    this.maxSessions = options.maxSessions ?? 1_000;
    this.maxCodes = options.maxCodes ?? 100;
    this.sweep = setInterval(() => this.dropExpired(), 30_000);
    this.sweep.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** A one-time code that logs a browser in as the holder of `token` (for a login URL). */
  loginCode(token: string): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { token, expiresAt: this.now() + this.codeTtlMs });
    while (this.codes.size > this.maxCodes) this.codes.delete(this.codes.keys().next().value!);
    return code;
  }

  /** Redeems a login code (once) into a session. */
  redeem(code: string): Promise<Session<R>> {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (!entry || entry.expiresAt <= this.now()) {
      return Promise.reject(new FlorinError('UNAUTHENTICATED', 'this login link has expired or was already used: log in with a token (florin token issue --role researcher), or restart florin dashboard for a new link'));
    }
    return this.login(entry.token);
  }

  /** Verifies the token (UNAUTHENTICATED naming the problem) and opens a session for its caller. */
  async login(token: string): Promise<Session<R>> {
    if (this.closed) throw new FlorinError('UNAVAILABLE', 'the dashboard is shutting down');
    let identity: CallerIdentity;
    try {
      identity = await this.verifier.verify(token.trim());
    } catch (err) {
      throw new FlorinError('UNAUTHENTICATED', err instanceof TokenRejected ? err.message : 'the token could not be verified');
    }
    const id = randomBytes(32).toString('base64url');
    const session = { id, identity, resources: this.open(id, identity, token.trim()), expiresAt: identity.expiresAt };
    this.sessions.set(id, session);
    while (this.sessions.size > this.maxSessions) this.end(this.sessions.keys().next().value!);
    return session;
  }

  /** The session a request's cookie names, if it is still valid. */
  find(req: IncomingMessage): Session<R> | undefined {
    const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.end(id);
      return undefined;
    }
    return session;
  }

  /** Ends a session (logout, expiry); idempotent. */
  end(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    session.resources.close();
  }

  /** Ends every session. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweep);
    for (const id of [...this.sessions.keys()]) this.end(id);
    this.codes.clear();
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.end(id);
    for (const [code, c] of this.codes) if (c.expiresAt <= now) this.codes.delete(code);
  }
}

/** The Set-Cookie value of a session lasting until `expiresAt`. */
export function sessionCookie(id: string, expiresAt: number, nowMs = Date.now()): string {
  const maxAge = Math.max(0, Math.floor((expiresAt - nowMs) / 1000));
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`;
}

/** The Set-Cookie value that removes the session cookie. */
export function clearedCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
