import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `condition` until it returns something other than undefined or false,
 * and resolves that value; throws after `timeoutMs`, naming `what`. For
 * waiting on network and process events, never as a stand-in for a clock.
 */
export async function until<T>(condition: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
