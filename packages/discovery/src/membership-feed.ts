import { FlorinError, unavailable } from '@florin/core';
import { type BackoffPolicy, fullJitter } from './backoff.js';
import type { DiscoveryLogger, FeedStats, WatchState } from './discovery.js';
import { type Member, type Membership, matchingMembers, sameMembers, sortMembers } from './member.js';
import type { RefreshSource, SourceAnswer } from './refresh-source.js';

export interface FeedCounters {
  staleServe(): void;
  error(throttled: boolean): void;
}

export interface FeedOptions {
  readonly service: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly source: RefreshSource;
  readonly backoff: BackoffPolicy;
  readonly log: DiscoveryLogger;
  readonly counters: FeedCounters;
}

/**
 * The refresh loop of one service (and attribute filter), shared by every
 * view of it: refreshes on the backend's schedule, publishes an answer only
 * when the member list changed, keeps serving the last good answer through
 * failures (backing off with full jitter) and fails only when the very first
 * answer is a permanent error.
 */
export class MembershipFeed {
  readonly service: string;
  private stateValue: WatchState = 'starting';
  private membership: Membership | undefined;
  private lastAnswer: SourceAnswer | undefined;
  private failure: Error | undefined;
  private readonly listeners = new Set<(m: Membership | undefined) => void>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running = false;
  private pokedWhileRunning = false;
  private refreshes = 0;
  private failures = 0;
  private consecutiveFailures = 0;
  private lastError: string | undefined;

  constructor(private readonly options: FeedOptions) {
    this.service = options.service;
  }

  get state(): WatchState {
    return this.stateValue;
  }

  /** Re-read after an await: close() may have run meanwhile. */
  private get closed(): boolean {
    return this.stateValue === 'closed';
  }

  current(): Membership | undefined {
    return this.membership;
  }

  error(): Error | undefined {
    return this.failure;
  }

  start(): void {
    if (this.stateValue !== 'starting' || this.timer || this.running) return;
    this.unsubscribe = this.options.source.subscribe?.(() => this.poke());
    void this.tick();
  }

  /** Listeners get the new membership, or undefined when the feed failed or closed. */
  listen(listener: (m: Membership | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.notify(undefined);
    this.listeners.clear();
  }

  stats(): FeedStats {
    return {
      service: this.service,
      state: this.stateValue,
      members: this.membership?.members.length ?? 0,
      version: this.membership?.version ?? 0,
      ...(this.membership?.sourceRevision !== undefined ? { sourceRevision: this.membership.sourceRevision } : {}),
      refreshes: this.refreshes,
      failures: this.failures,
      consecutiveFailures: this.consecutiveFailures,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  /** Refresh now (a change was signalled). */
  poke(): void {
    if (this.stateValue === 'closed' || this.stateValue === 'failed') return;
    if (this.running) {
      this.pokedWhileRunning = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    void this.tick();
  }

  private schedule(ms: number): void {
    if (this.stateValue === 'closed' || this.stateValue === 'failed') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running || this.stateValue === 'closed' || this.stateValue === 'failed') return;
    this.running = true;
    this.pokedWhileRunning = false;
    const { source } = this.options;
    try {
      const answer = await source.refresh(this.lastAnswer);
      if (this.closed) return;
      this.refreshes++;
      this.succeeded(answer);
      const next = answer === 'unchanged' ? (this.lastAnswer as SourceAnswer) : answer;
      this.schedule(this.pokedWhileRunning ? 0 : source.nextDelayMs(next));
    } catch (err) {
      if (this.closed) return;
      this.failed(err);
    } finally {
      this.running = false;
    }
  }

  private succeeded(answer: SourceAnswer | 'unchanged'): void {
    const now = Date.now();
    const wasStale = this.stateValue === 'stale';
    if (this.consecutiveFailures > 0) {
      this.options.log({ level: 'info', service: this.service, message: `${this.service}: membership refreshed again after ${this.consecutiveFailures} failed attempt(s)` });
    }
    this.consecutiveFailures = 0;
    this.stateValue = 'live';
    if (answer === 'unchanged') {
      const m = this.membership as Membership;
      this.membership = { ...m, updatedAt: now, stale: false };
      if (wasStale) this.notify(this.membership);
      return;
    }
    this.lastAnswer = answer;
    const members: Member[] = sortMembers(matchingMembers(answer.members, this.options.attributes));
    const previous = this.membership;
    const changed = !previous || !sameMembers(previous.members, members);
    this.membership = {
      service: this.service,
      members,
      version: (previous?.version ?? 0) + (changed ? 1 : 0),
      ...(answer.sourceRevision !== undefined ? { sourceRevision: answer.sourceRevision } : {}),
      updatedAt: now,
      stale: false,
    };
    if (!previous && members.length === 0) {
      this.options.log({ level: 'info', service: this.service, message: `${this.service}: no members yet; waiting for some to register` });
    }
    if (changed || wasStale) this.notify(this.membership);
  }

  private failed(err: unknown): void {
    const { source, log, counters } = this.options;
    const throttled = source.isThrottling(err);
    counters.error(throttled);
    this.failures++;
    this.consecutiveFailures++;
    this.lastError = err instanceof Error ? err.message : String(err);
    if (!this.membership && source.isPermanent(err)) {
      this.stateValue = 'failed';
      this.failure = err instanceof Error ? err : new Error(String(err));
      log({ level: 'warn', service: this.service, message: `${this.service}: ${this.lastError}` });
      this.notify(undefined);
      return;
    }
    const delay = fullJitter(this.options.backoff, this.consecutiveFailures);
    if (this.membership) {
      counters.staleServe();
      if (this.stateValue !== 'stale') {
        this.stateValue = 'stale';
        this.membership = { ...this.membership, stale: true };
        this.notify(this.membership);
      }
    }
    // Log the first failure of a streak, then every 10th, so throttling does not flood the log.
    if (this.consecutiveFailures === 1 || this.consecutiveFailures % 10 === 0) {
      const keeping = this.membership ? `keeping the last good membership (${this.membership.members.length} members)` : 'no membership yet';
      log({
        level: 'warn',
        service: this.service,
        message: `${this.service}: refresh failed${throttled ? ' (throttled)' : ''} ${this.consecutiveFailures} time(s): ${this.lastError}; ${keeping}; retrying in ${delay} ms`,
      });
    }
    this.schedule(delay);
  }

  private notify(m: Membership | undefined): void {
    for (const listener of [...this.listeners]) listener(m);
  }
}

/** The error a view reports when it was closed while someone waited. */
export function closedError(service: string): FlorinError {
  return unavailable(`discovery watch of ${service} was closed`);
}
