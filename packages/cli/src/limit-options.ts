import type { Command } from 'commander';
import type { Limits } from '@florin/core';
import { positiveInt } from './options.js';

/** Adds the data-plane limit flags every server role accepts. */
export function addLimitOptions(cmd: Command): Command {
  return addCallerLimitOptions(cmd)
    .option('--max-symbols <n>', 'most symbols per request', positiveInt('--max-symbols'))
    .option('--max-points <n>', 'most points (rows x fields) per request', positiveInt('--max-points'))
    .option('--max-message-bytes <n>', 'largest gRPC message, in bytes', positiveInt('--max-message-bytes'))
    .option('--chunk-bytes <n>', 'target size of one streamed read chunk, in bytes', positiveInt('--chunk-bytes'))
    .option('--default-deadline-ms <n>', 'deadline for calls that arrive without one', positiveInt('--default-deadline-ms'));
}

/** The per-caller limit flags (every server role, the coordinator included). */
export function addCallerLimitOptions(cmd: Command): Command {
  return cmd
    .option('--max-caller-calls <n>', 'most calls one caller (token subject, mTLS identity; peer address in plaintext) may have in progress (default 1000)', positiveInt('--max-caller-calls'))
    .option('--max-caller-bytes <n>', 'most bytes of requests one caller may have in progress (default 268435456, 256 MiB)', positiveInt('--max-caller-bytes'));
}

export interface CallerLimitFlags {
  maxCallerCalls?: number;
  maxCallerBytes?: number;
}

export function callerLimitsFromFlags(flags: CallerLimitFlags): Partial<Limits> {
  return { maxCallerCalls: flags.maxCallerCalls, maxCallerBytes: flags.maxCallerBytes };
}

export interface LimitFlags extends CallerLimitFlags {
  maxSymbols?: number;
  maxPoints?: number;
  maxMessageBytes?: number;
  chunkBytes?: number;
  defaultDeadlineMs?: number;
}

export function limitsFromFlags(flags: LimitFlags): Partial<Limits> {
  return {
    maxSymbolsPerRequest: flags.maxSymbols,
    maxPointsPerRequest: flags.maxPoints,
    maxMessageBytes: flags.maxMessageBytes,
    chunkBytes: flags.chunkBytes,
    defaultDeadlineMs: flags.defaultDeadlineMs,
    ...callerLimitsFromFlags(flags),
  };
}
