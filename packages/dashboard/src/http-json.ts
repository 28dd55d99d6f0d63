import type { IncomingMessage, ServerResponse } from 'node:http';
import { FlorinError, invalidArgument } from '@florin/core';

/** HTTP status for each FlorinError code the dashboard's APIs pass on. */
const HTTP_STATUS: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  UNIMPLEMENTED: 501,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Answers an error as `{ error: { code, message } }` with the HTTP status of its code; anything not a FlorinError is 500 without details. */
export function sendError(res: ServerResponse, err: unknown, onUnexpected: (err: unknown) => void): void {
  if (err instanceof FlorinError) {
    sendJson(res, HTTP_STATUS[err.code] ?? 502, { error: { code: err.code, message: err.message } });
    return;
  }
  onUnexpected(err);
  sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal error in the dashboard (logged)' } });
}

/** A query parameter as a non-negative integer within [0, max], or the default. */
export function intParam(url: URL, name: string, fallback: number, max: number): number {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0 || value > max) throw invalidArgument(`${name} must be an integer from 0 to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

/** A required query parameter. */
export function requiredParam(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (!value) throw invalidArgument(`the query parameter ${name} is required`);
  return value;
}

/** Drains a request body (the dashboard's POSTs carry none); refuses one over 1 KiB. */
export async function drainBody(req: IncomingMessage): Promise<void> {
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024) throw invalidArgument('request body too large; this endpoint takes none');
  }
}

/** A request body as text; INVALID_ARGUMENT when it exceeds `maxBytes`. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw invalidArgument(`request body too large (over ${maxBytes} bytes)`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
