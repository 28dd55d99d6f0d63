import { watch as watchDirectory, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument } from '@florin/core';
import type { WatchOptions } from './discovery.js';
import { type CommonDiscoveryOptions, DiscoveryBase } from './discovery-base.js';
import { type Member, type Registration, parseAddress } from './member.js';
import { processAlive, processStartTime } from './process-liveness.js';
import type { RefreshSource, SourceAnswer } from './refresh-source.js';

export interface LocalRegistryOptions extends CommonDiscoveryOptions {
  /** The registry directory, e.g. localRegistryDirectory(dataDir). One subdirectory per service, one file per member. */
  readonly directory: string;
  /**
   * How often watchers re-read the directory and check that members' processes
   * still run (default 1,000 ms). A member whose process was SIGKILLed
   * disappears within this interval plus one directory read.
   */
  readonly pollIntervalMs?: number;
}

/** The registry directory of a data dir (`<dataDir>/discovery`). */
export function localRegistryDirectory(dataDir: string): string {
  return join(dataDir, 'discovery');
}

/** What one member file holds. */
interface MemberFile {
  id: string;
  address: string;
  attributes: Record<string, string>;
  pid: number;
  pidStart?: string;
  registeredAt: string;
}

const SUFFIX = '.member.json';

/**
 * Membership on one machine (`florin up`): each process announces itself in a
 * file `<directory>/<service>/<id>.member.json` (written to a temporary name
 * and renamed, so readers never see half a file), removed on deregister. A
 * member whose process is dead (or whose pid now belongs to another process)
 * is ignored. Watchers notice changes through fs.watch and re-read every
 * pollIntervalMs anyway (fs.watch can miss events, and a SIGKILLed process
 * removes nothing).
 */
export class LocalRegistryDiscovery extends DiscoveryBase {
  readonly kind = 'local' as const;
  readonly directory: string;
  readonly pollIntervalMs: number;
  private readonly pidStart = processStartTime(process.pid);
  private temp = 0;

  constructor(options: LocalRegistryOptions) {
    super(options);
    if (!options.directory) throw invalidArgument('local discovery needs a registry directory');
    this.directory = options.directory;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    if (!Number.isInteger(this.pollIntervalMs) || this.pollIntervalMs < 10) {
      throw invalidArgument(`local discovery pollIntervalMs must be an integer >= 10, got ${options.pollIntervalMs}`);
    }
  }

  protected override async onStart(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
  }

  protected source(service: string, _options: WatchOptions): RefreshSource {
    const dir = join(this.directory, service);
    return {
      refresh: async (): Promise<SourceAnswer> => ({ members: await this.readMembers(service, dir) }),
      nextDelayMs: () => this.pollIntervalMs,
      isPermanent: () => false,
      isThrottling: () => false,
      subscribe: (poke) => {
        let watcher: FSWatcher | undefined;
        let debounce: NodeJS.Timeout | undefined;
        let stopped = false;
        const onEvent = (): void => {
          if (debounce) return;
          debounce = setTimeout(() => {
            debounce = undefined;
            poke();
          }, 15);
          debounce.unref();
        };
        void mkdir(dir, { recursive: true }).then(() => {
          if (stopped) return;
          try {
            watcher = watchDirectory(dir, { persistent: false }, onEvent);
            watcher.on('error', () => {
              watcher?.close();
              watcher = undefined; // polling carries on
            });
          } catch {
            // fs.watch unsupported here: polling only.
          }
        }, () => {});
        return () => {
          stopped = true;
          if (debounce) clearTimeout(debounce);
          watcher?.close();
        };
      },
    };
  }

  private async readMembers(service: string, dir: string): Promise<Member[]> {
    this.count('dir.read');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const members: Member[] = [];
    for (const name of names) {
      if (!name.endsWith(SUFFIX)) continue;
      let text: string;
      try {
        text = await readFile(join(dir, name), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // deregistered meanwhile
        throw err;
      }
      const file = parseMemberFile(text);
      if (!file) {
        this.skipped(service, `member file ${join(dir, name)}`);
        continue;
      }
      if (!processAlive(file.pid, file.pidStart)) continue;
      members.push({ id: file.id, address: file.address, attributes: file.attributes, healthy: true });
    }
    return members;
  }

  protected async doRegister(r: Registration): Promise<void> {
    const dir = join(this.directory, r.service);
    await mkdir(dir, { recursive: true });
    const file: MemberFile = {
      id: r.id,
      address: r.address,
      attributes: { ...r.attributes },
      pid: process.pid,
      ...(this.pidStart !== undefined ? { pidStart: this.pidStart } : {}),
      registeredAt: new Date().toISOString(),
    };
    const tmp = join(dir, `.${r.id}.${process.pid}.${this.temp++}.tmp`);
    await writeFile(tmp, `${JSON.stringify(file)}\n`);
    await rename(tmp, join(dir, `${r.id}${SUFFIX}`));
  }

  protected async doDeregister(service: string, id: string): Promise<void> {
    const path = join(this.directory, service, `${id}${SUFFIX}`);
    // Never remove the announcement of another live process (a restarted member may have replaced ours).
    try {
      const file = parseMemberFile(await readFile(path, 'utf8'));
      if (file && file.pid !== process.pid && processAlive(file.pid, file.pidStart)) return;
      await unlink(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

function parseMemberFile(text: string): MemberFile | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const f = value as Partial<MemberFile>;
  if (typeof f.id !== 'string' || typeof f.address !== 'string' || !parseAddress(f.address)) return undefined;
  if (typeof f.pid !== 'number' || !Number.isInteger(f.pid) || f.pid <= 0) return undefined;
  if (typeof f.attributes !== 'object' || f.attributes === null) return undefined;
  if (Object.values(f.attributes).some((v) => typeof v !== 'string')) return undefined;
  return f as MemberFile;
}
