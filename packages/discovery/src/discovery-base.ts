import { failedPrecondition } from '@florin/core';
import { type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.js';
import type {
  Discovery,
  DiscoveryKind,
  DiscoveryLogger,
  DiscoveryState,
  DiscoveryStats,
  MembershipWatch,
  ResolveOptions,
  WatchOptions,
} from './discovery.js';
import { stderrLogger } from './discovery.js';
import { type Membership, type Registration, matchingMembers, sortMembers, validateRegistration, validateServiceName, validateMemberId } from './member.js';
import { MembershipFeed } from './membership-feed.js';
import { MembershipView } from './membership-view.js';
import type { RefreshSource } from './refresh-source.js';

/** Options every backend takes. */
export interface CommonDiscoveryOptions {
  /** Where warnings and recoveries go (default: stderr lines). */
  readonly log?: DiscoveryLogger;
  /** Backoff after failed refreshes (default 500 ms doubling to 30 s, full jitter). */
  readonly backoff?: Partial<BackoffPolicy>;
}

/**
 * What the backends share: lifecycle, one refresh loop per followed service
 * and filter, counters, and deregistering on close what this instance registered.
 */
export abstract class DiscoveryBase implements Discovery {
  abstract readonly kind: DiscoveryKind;
  private stateValue: DiscoveryState = 'created';
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly feeds = new Map<string, { feed: MembershipFeed; views: number }>();
  protected readonly registered = new Map<string, Registration>();
  protected readonly log: DiscoveryLogger;
  protected readonly backoff: BackoffPolicy;
  protected readonly calls: Record<string, number> = {};
  private errors = 0;
  private throttled = 0;
  private staleServes = 0;
  protected malformedSkipped = 0;

  constructor(options: CommonDiscoveryOptions) {
    this.log = options.log ?? stderrLogger;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  get state(): DiscoveryState {
    return this.stateValue;
  }

  /** Backend check at start (Cloud Map: the namespace exists). */
  protected async onStart(): Promise<void> {}
  /** The refresh source of one service. */
  protected abstract source(service: string, options: WatchOptions): RefreshSource;
  protected abstract doRegister(registration: Registration): Promise<void>;
  protected abstract doDeregister(service: string, id: string): Promise<void>;
  protected async onClose(): Promise<void> {}

  start(): Promise<void> {
    if (this.stateValue === 'closed') return Promise.reject(failedPrecondition(`${this.kind} discovery is closed`));
    this.starting ??= this.onStart().then(
      () => {
        if (this.stateValue === 'created') this.stateValue = 'started';
      },
      (err: unknown) => {
        this.starting = undefined;
        throw err;
      },
    );
    return this.starting;
  }

  async resolve(service: string, options: ResolveOptions = {}): Promise<Membership> {
    validateServiceName(service);
    await this.start();
    options.signal?.throwIfAborted();
    const answer = await this.source(service, options).refresh(undefined);
    if (answer === 'unchanged') throw new Error('a refresh without a previous answer cannot be unchanged');
    return {
      service,
      members: sortMembers(matchingMembers(answer.members, options.attributes)),
      version: 1,
      ...(answer.sourceRevision !== undefined ? { sourceRevision: answer.sourceRevision } : {}),
      updatedAt: Date.now(),
      stale: false,
    };
  }

  watch(service: string, options: WatchOptions = {}): MembershipWatch {
    validateServiceName(service);
    if (this.stateValue === 'closed') throw failedPrecondition(`${this.kind} discovery is closed`);
    const key = `${service}\u0000${JSON.stringify(Object.entries(options.attributes ?? {}).sort())}`;
    let entry = this.feeds.get(key);
    // A feed that failed (unknown service) is not reused: the service may exist by now.
    if (entry?.feed.state === 'failed') {
      this.feeds.delete(key);
      entry = undefined;
    }
    if (!entry) {
      const feed = new MembershipFeed({
        service,
        ...(options.attributes ? { attributes: options.attributes } : {}),
        source: this.source(service, options),
        backoff: this.backoff,
        log: this.log,
        counters: {
          staleServe: () => void this.staleServes++,
          error: (throttled) => {
            this.errors++;
            if (throttled) this.throttled++;
          },
        },
      });
      entry = { feed, views: 0 };
      this.feeds.set(key, entry);
      // Start after the backend check; a failing check fails the feed through its first refresh.
      this.start().then(
        () => feed.start(),
        () => feed.start(),
      );
    }
    entry.views++;
    const held = entry;
    return new MembershipView(held.feed, () => {
      held.views--;
      if (held.views === 0 && this.feeds.get(key) === held) {
        this.feeds.delete(key);
        held.feed.close();
      }
    });
  }

  async register(registration: Registration): Promise<void> {
    validateRegistration(registration);
    await this.start();
    await this.doRegister(registration);
    this.registered.set(`${registration.service}\u0000${registration.id}`, registration);
    this.pokeFeeds(registration.service);
  }

  async deregister(service: string, id: string): Promise<void> {
    validateServiceName(service);
    validateMemberId(id);
    if (this.stateValue === 'closed') return;
    await this.doDeregister(service, id);
    this.registered.delete(`${service}\u0000${id}`);
    this.pokeFeeds(service);
  }

  forget(service: string, id: string): void {
    this.registered.delete(`${service}\u0000${id}`);
  }

  stats(): DiscoveryStats {
    return {
      kind: this.kind,
      state: this.stateValue,
      calls: { ...this.calls },
      errors: this.errors,
      throttled: this.throttled,
      staleServes: this.staleServes,
      malformedSkipped: this.malformedSkipped,
      watches: [...this.feeds.values()].map((e) => e.feed.stats()),
    };
  }

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    this.stateValue = 'closed';
    for (const { feed } of this.feeds.values()) feed.close();
    this.feeds.clear();
    const leaving = [...this.registered.values()];
    this.registered.clear();
    const results = await Promise.allSettled(leaving.map((r) => this.doDeregister(r.service, r.id)));
    results.forEach((r, i) => {
      if (r.status === 'rejected') {
        const reg = leaving[i] as Registration;
        this.log({ level: 'warn', service: reg.service, message: `could not deregister ${reg.service}/${reg.id} on close: ${String(r.reason instanceof Error ? r.reason.message : r.reason)}` });
      }
    });
    await this.onClose();
  }

  protected count(operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }

  private readonly loggedSkips = new Set<string>();

  /** Counts a skipped malformed instance or record; logs each distinct one once. */
  protected skipped(service: string, what: string): void {
    this.malformedSkipped++;
    const key = `${service}\u0000${what}`;
    if (this.loggedSkips.has(key)) return;
    if (this.loggedSkips.size > 10_000) this.loggedSkips.clear();
    this.loggedSkips.add(key);
    this.log({ level: 'warn', service, message: `${service}: skipped malformed ${what}` });
  }

  /** Wakes the watches of a service now (our own register/deregister, relayed news). */
  protected pokeService(service: string): void {
    this.pokeFeeds(service);
  }

  /** Our own register/deregister is seen at once by our own watches. */
  private pokeFeeds(service: string): void {
    for (const { feed } of this.feeds.values()) if (feed.service === service) feed.poke();
  }
}
