import { isArrayValue } from '@florin/core';
/** One head node of the logical server: a stable id (ownership hashes it) and where it listens now. */
export interface HeadMember {
  readonly id: string;
  readonly address: string;
}

/**
 * Which head nodes form the logical server, as this head sees them. Ownership
 * of a series key is HeadRing (from @florin/core) over the member ids, so a
 * replaced task keeps its keys when it keeps its id. The static list below is
 * one implementation; a discovery backend (Cloud Map, a local registry) is
 * another of the same shape.
 */
export interface HeadMembership {
  /** This head's own id. It may be missing from members() (then this head owns no key). */
  readonly selfId: string;
  /** The current members, in a stable order. */
  members(): readonly HeadMember[];
  /** Calls `listener` after every change of members(); returns the function that unsubscribes. */
  onChange(listener: (members: readonly HeadMember[]) => void): () => void;
}

/** A membership from a fixed list (options or `--peers`), which `set` may replace (tests, operators). */
export class StaticMembership implements HeadMembership {
  private current: readonly HeadMember[];
  private readonly listeners = new Set<(members: readonly HeadMember[]) => void>();

  constructor(
    readonly selfId: string,
    members: readonly HeadMember[],
  ) {
    this.current = checkMembers(members);
  }

  members(): readonly HeadMember[] {
    return this.current;
  }

  onChange(listener: (members: readonly HeadMember[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces the member list and tells every listener. */
  set(members: readonly HeadMember[]): void {
    this.current = checkMembers(members);
    for (const listener of [...this.listeners]) listener(this.current);
  }
}

/** Validates a member list: non-empty ids and addresses, no id twice. Returns a frozen copy. */
export function checkMembers(members: readonly HeadMember[]): readonly HeadMember[] {
  if (!isArrayValue(members)) throw new TypeError('head members must be an array of { id, address }');
  const seen = new Set<string>();
  const out = members.map((m) => {
    if (!m || typeof m.id !== 'string' || m.id.length === 0) throw new TypeError(`head member ids must be non-empty strings, got ${JSON.stringify(m)}`);
    if (typeof m.address !== 'string' || m.address.length === 0) throw new TypeError(`head member ${m.id} needs a host:port address`);
    if (seen.has(m.id)) throw new TypeError(`head member ${m.id} is listed twice`);
    seen.add(m.id);
    return Object.freeze({ id: m.id, address: m.address });
  });
  return Object.freeze(out);
}

/**
 * Parses `id=host:port,id=host:port` (the `--peers` flag). An entry without
 * `id=` uses its address as its id.
 */
export function parseMembers(text: string | readonly string[]): HeadMember[] {
  const entries = (typeof text === 'string' ? text.split(',') : text).map((e) => e.trim()).filter((e) => e.length > 0);
  const members = entries.map((entry): HeadMember => {
    const eq = entry.indexOf('=');
    if (eq < 0) return { id: entry, address: entry };
    const id = entry.slice(0, eq).trim();
    const address = entry.slice(eq + 1).trim();
    if (!id || !address) throw new TypeError(`head member ${JSON.stringify(entry)} must look like id=host:port`);
    return { id, address };
  });
  return [...checkMembers(members)];
}
