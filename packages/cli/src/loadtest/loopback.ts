import { isIPv4, isIPv6 } from 'node:net';
import { invalidArgument } from '@florin/core';

/** The host part of a `host:port` or `[v6]:port` address, or undefined when it has no port. */
function hostOf(address: string): string | undefined {
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(address);
  if (bracketed) return bracketed[1];
  const plain = /^([^:]+):(\d{1,5})$/.exec(address);
  return plain ? plain[1] : undefined;
}

/** Whether `host` is on this machine's loopback: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

/** Whether `address` (host:port or [v6]:port) is on the loopback interface. */
export function isLoopbackAddress(address: string): boolean {
  const host = hostOf(address);
  return host !== undefined && isLoopbackHost(host);
}

/**
 * Throws INVALID_ARGUMENT naming the first address that is not host:port on
 * loopback. The load test floods what it targets, so it only ever targets
 * this machine.
 */
export function assertLoopback(addresses: readonly string[], what: string): void {
  for (const address of addresses) {
    if (hostOf(address) === undefined) {
      throw invalidArgument(`${what}: ${JSON.stringify(address)} is not host:port (e.g. 127.0.0.1:7001 or [::1]:7001)`);
    }
    if (!isLoopbackAddress(address)) {
      throw invalidArgument(
        `${what}: refusing ${JSON.stringify(address)}: the load test targets loopback only (127.0.0.0/8, ::1 or localhost), ` +
          'so it can never flood a shared cluster',
      );
    }
  }
}
