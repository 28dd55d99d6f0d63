import type { Member } from './member.js';

/** One answer a backend produced: members (unfiltered, any order) and its revision if it has one. */
export interface SourceAnswer {
  readonly members: readonly Member[];
  readonly sourceRevision?: number;
  /** When to refresh next, ms (DNS: the record TTL). Default: the backend's poll interval. */
  readonly refreshInMs?: number;
}

/** What a backend supplies to follow one service. */
export interface RefreshSource {
  /**
   * A fresh answer, or 'unchanged' when the backend can tell cheaply that the
   * previous answer still holds (Cloud Map DiscoverInstancesRevision). Throws on failure.
   */
  refresh(previous: SourceAnswer | undefined): Promise<SourceAnswer | 'unchanged'>;
  /** Delay after a successful refresh. */
  nextDelayMs(answer: SourceAnswer): number;
  /** True for errors that retrying cannot fix (unknown namespace or service, invalid input). */
  isPermanent(err: unknown): boolean;
  /** True when the error is throttling (counted apart). */
  isThrottling(err: unknown): boolean;
  /** Optional push: calls `poke` when the membership may have changed (fs.watch). Returns the stop function. */
  subscribe?(poke: () => void): () => void;
}
