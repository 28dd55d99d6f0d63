import { invalidArgument } from '@florin/core';

/**
 * Opaque page tokens of List and ListTasks: the position after which the next
 * page starts (a job's sequence number, a task's index), tagged with what it
 * pages, base64url-encoded. A token that does not decode is INVALID_ARGUMENT.
 */
export function pageToken(kind: 'jobs' | 'tasks', position: number): string {
  return Buffer.from(`${kind}:${position}`, 'utf8').toString('base64url');
}

/** The position a token names; undefined for '' (the first page). */
export function pagePosition(kind: 'jobs' | 'tasks', token: string): number | undefined {
  if (token === '') return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const match = /^(jobs|tasks):(\d{1,15})$/.exec(text);
  if (!match || match[1] !== kind) {
    throw invalidArgument(`page_token ${JSON.stringify(token)} is not a ${kind} page token; pass the next_page_token of the previous answer, or '' for the first page`);
  }
  return Number(match[2]);
}
