import { readFileSync } from 'node:fs';
import { createLogger, type Logger } from '@florin/core';
import { FLORIN_ID, FLORIN_PARTITION, FLORIN_ROLE, FLORIN_SHARD_COUNT, FLORIN_STARTED_MS, FLORIN_VERSION, MemberSet, ShardDirectory, type Discovery, type Registration } from '@florin/discovery';
import { discoveryFromFlags, type DiscoveryFlags } from './discovery-options.js';

let logger: Logger | undefined;
const log = (): Logger => (logger ??= createLogger('discovery'));

/** How often a process waiting for members says so. */
const WAITING_NOTE_MS = 10_000;

/**
 * A role process's discovery: started (so an unknown namespace fails at
 * start, naming it), what it registered, and the views it follows. close()
 * deregisters first (callers stop sending new calls) and is idempotent.
 */
export class RoleDiscovery {
  private readonly views: { close(): void }[] = [];
  private readonly registered: Registration[] = [];
  private closing: Promise<void> | undefined;
  private leaving: Promise<void> | undefined;

  private constructor(
    readonly discovery: Discovery,
    private readonly flags: DiscoveryFlags,
  ) {}

  /** The discovery the flags ask for, started; undefined without --discovery. */
  static async start(flags: DiscoveryFlags): Promise<RoleDiscovery | undefined> {
    const discovery = discoveryFromFlags(flags);
    if (!discovery) return undefined;
    await discovery.start();
    return new RoleDiscovery(discovery, flags);
  }

  /** The head nodes of every head service, as one live list. */
  heads(): MemberSet {
    return this.track(new MemberSet(this.discovery, this.flags.headServices));
  }

  /** The coordinator's service. */
  coordinator(): MemberSet {
    return this.track(new MemberSet(this.discovery, [this.flags.coordinatorService]));
  }

  /** The shards by partition, once every partition has a shard (waiting, and saying so, until then). */
  async shards(): Promise<ShardDirectory> {
    const directory = this.track(new ShardDirectory(this.track(new MemberSet(this.discovery, [this.flags.shardService]))));
    await waitSaying(() => directory.ready({ timeoutMs: WAITING_NOTE_MS }), () => `waiting for shards in ${directory.description}: ${directory.missingText()}`);
    return directory;
  }

  /** Waits for at least one member of `set`, saying so every 10 s. */
  async firstMember(set: MemberSet): Promise<void> {
    await waitSaying(() => set.ready({ timeoutMs: WAITING_NOTE_MS }).then(() => undefined), () => `waiting for a member of ${set.description}`);
  }

  /** Registers this process (replacing an earlier registration of the same id). */
  async register(registration: Registration): Promise<void> {
    await this.discovery.register(registration);
    this.registered.push(registration);
    log().info({ service: registration.service, id: registration.id, address: registration.address }, `registered ${registration.id} at ${registration.address} in '${registration.service}'`);
  }

  /** The service a role registers in: --register-in, else the role's. */
  serviceFor(role: 'head' | 'shard' | 'coordinator'): string {
    if (this.flags.registerIn) return this.flags.registerIn;
    if (role === 'head') return this.flags.headServices[0] ?? 'heads';
    return role === 'shard' ? this.flags.shardService : this.flags.coordinatorService;
  }

  /**
   * Withdraws what this process registered, so callers stop choosing it, and
   * keeps following its peers (a leaving process still serves, and may still
   * call them). A failure is logged, not thrown: discovery then forgets the
   * member by its health check or TTL. Idempotent.
   */
  deregister(): Promise<void> {
    this.leaving ??= (async () => {
      for (const r of this.registered) {
        try {
          // A replacement that registered the same id at another address (an ECS deployment starts the new
          // task before it stops the old one) keeps its registration: only our own address is withdrawn.
          const now = await this.discovery.resolve(r.service).catch(() => undefined);
          const current = now?.members.find((m) => m.id === r.id);
          if (current && current.address !== r.address) {
            log().info({ service: r.service, id: r.id, address: current.address }, `not deregistering ${r.id}: it is registered at ${current.address} now (a replacement)`);
            this.discovery.forget(r.service, r.id);
            continue;
          }
          await this.discovery.deregister(r.service, r.id);
          log().info({ service: r.service, id: r.id }, `deregistered ${r.id} from '${r.service}'`);
        } catch (err) {
          log().warn({ service: r.service, id: r.id, err: err instanceof Error ? err.message : String(err) }, `could not deregister ${r.id} from '${r.service}'; discovery drops it by its health check`);
        }
      }
    })();
    return this.leaving;
  }

  /** Withdraws what this process registered, stops every view. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const v of this.views) v.close();
      await this.discovery.close();
    })();
    return this.closing;
  }

  private track<T extends { close(): void }>(view: T): T {
    this.views.push(view);
    return view;
  }
}

/** Retries `attempt` (which times out with UNAVAILABLE) forever, logging `note()` at each timeout; other errors reject. */
async function waitSaying(attempt: () => Promise<void>, note: () => string): Promise<void> {
  for (;;) {
    try {
      await attempt();
      return;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'UNAVAILABLE') throw err;
      log().warn(note());
    }
  }
}

/** The Florin version this process runs: FLORIN_VERSION from the environment (an image's build), else the CLI package's version. */
export function florinVersion(): string {
  const fromEnv = process.env['FLORIN_VERSION'];
  if (fromEnv) return fromEnv;
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

/** When this process started (epoch ms). */
function startedMs(): number {
  return Math.round(performance.timeOrigin);
}

/** What every member registers besides its role's attributes: its version and start time (the dashboard's version and uptime). */
function processAttributes(): Record<string, string> {
  return { [FLORIN_VERSION]: florinVersion(), [FLORIN_STARTED_MS]: String(startedMs()) };
}

/** The attributes each role registers with. */
export const roleAttributes = {
  head: (id: string): Record<string, string> => ({ [FLORIN_ROLE]: 'head', [FLORIN_ID]: id, ...processAttributes() }),
  shard: (id: string, partition: number, count: number): Record<string, string> => ({
    [FLORIN_ROLE]: 'shard',
    [FLORIN_ID]: id,
    ...processAttributes(),
    [FLORIN_PARTITION]: String(partition),
    [FLORIN_SHARD_COUNT]: String(count),
  }),
  coordinator: (id: string): Record<string, string> => ({ [FLORIN_ROLE]: 'coordinator', [FLORIN_ID]: id, ...processAttributes() }),
};
