import { Option, type Command } from 'commander';
import { nonNegativeInt } from './options.js';
import type { DiscoveryKindFlag } from './discovery-options.js';

/**
 * How long a leaving process keeps answering every call after it went NOT_SERVING
 * and deregistered, by discovery backend: about the time its callers take to
 * stop choosing it. local: the registry is polled every second (2 s). cloudmap:
 * DiscoverInstancesRevision is polled every 5 s and ECS's own deregistration
 * takes a few seconds more (12 s). dns: answers are re-resolved on their TTL
 * (keep record TTLs at or below 30 s). static: nobody will learn of the departure, so there is nothing to wait for (0).
 */
export const DRAIN_NOTICE_MS: Readonly<Record<DiscoveryKindFlag, number>> = { static: 0, local: 2_000, cloudmap: 12_000, dns: 30_000 };

export interface DrainFlags {
  discovery?: DiscoveryKindFlag;
  drainNoticeMs?: number;
}

/** --drain-notice-ms (FLORIN_DRAIN_NOTICE_MS); its default depends on --discovery. */
export function addDrainNoticeOption(command: Command): Command {
  return command.addOption(
    new Option(
      '--drain-notice-ms <n>',
      `on SIGTERM, how long to keep serving after going NOT_SERVING and leaving discovery, before draining (default by --discovery: ${Object.entries(DRAIN_NOTICE_MS)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    )
      .env('FLORIN_DRAIN_NOTICE_MS')
      .argParser(nonNegativeInt('--drain-notice-ms')),
  );
}

/** The drain notice the flags ask for. */
export function drainNoticeMs(flags: DrainFlags): number {
  return flags.drainNoticeMs ?? DRAIN_NOTICE_MS[flags.discovery ?? 'static'];
}
