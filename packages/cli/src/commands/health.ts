import { Command } from 'commander';
import { FlorinError, checkHealth } from '@florin/core';
import { positiveInt } from '../options.js';
import { addSecurityOptions, clientSecurity, type SecurityFlags } from '../security-options.js';

interface HealthFlags extends SecurityFlags {
  address?: string;
  service: string;
  timeoutMs: number;
}

/** The address to check: --address, else 127.0.0.1:$FLORIN_PORT (what the container's HEALTHCHECK uses). */
function addressOf(flags: HealthFlags): string {
  if (flags.address) return flags.address;
  const port = process.env['FLORIN_PORT'];
  if (port && /^\d+$/.test(port)) return `127.0.0.1:${port}`;
  throw new FlorinError('INVALID_ARGUMENT', 'give --address host:port, or set FLORIN_PORT to the port the role listens on');
}

/**
 * `florin health`: asks a Florin server's gRPC health service. Exit 0 and
 * prints SERVING when it serves; exit 1 (with the status or the reason it could
 * not be asked) otherwise. What the image's HEALTHCHECK and ECS run.
 */
export function healthCommand(): Command {
  return addSecurityOptions(new Command('health'), 'client')
    .description('check a Florin server with the standard gRPC health protocol (exit 0 when SERVING)')
    .option('--address <host:port>', 'server to ask (default 127.0.0.1:$FLORIN_PORT)')
    .option('--service <name>', "health service name ('' is the whole server)", '')
    .option('--timeout-ms <ms>', 'how long to wait for the answer', positiveInt('--timeout-ms'), 3_000)
    .action(async (flags: HealthFlags) => {
      const address = addressOf(flags);
      const status = await checkHealth(address, { service: flags.service, timeoutMs: flags.timeoutMs, security: clientSecurity(flags) });
      process.stdout.write(`${address}: ${status}\n`);
      if (status !== 'SERVING') process.exitCode = 1;
    });
}
