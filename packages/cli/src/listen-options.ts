import { Option, type Command } from 'commander';
import { nonNegativeInt } from './options.js';

export interface ListenFlags {
  host: string;
  port: number;
}

/**
 * --host and --port of a serving role, with FLORIN_HOST and FLORIN_PORT as
 * their environment defaults (what a container's task definition sets; the
 * image's HEALTHCHECK asks 127.0.0.1:$FLORIN_PORT).
 */
export function addListenOptions(command: Command): Command {
  return command
    .addOption(new Option('--host <host>', 'interface to bind').env('FLORIN_HOST').default('127.0.0.1'))
    .addOption(new Option('--port <n>', 'port to bind (0 picks a free one)').env('FLORIN_PORT').argParser(nonNegativeInt('--port')).default(0));
}
