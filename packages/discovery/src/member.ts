import { invalidArgument } from '@florin/core';

/** The attribute that carries a member's stable id (a head node's service name, e.g. `head-3`). */
export const FLORIN_ID = 'FLORIN_ID';
/** The attribute that carries a shard's partition number. */
export const FLORIN_PARTITION = 'FLORIN_PARTITION';
/** The attribute that carries the role of a member (`head`, `shard`, `coordinator`). */
export const FLORIN_ROLE = 'FLORIN_ROLE';
/** The attribute that carries the Florin version a member runs (the dashboard shows it). */
export const FLORIN_VERSION = 'FLORIN_VERSION';
/** The attribute that carries when a member's process started (epoch ms; the dashboard's uptime). */
export const FLORIN_STARTED_MS = 'FLORIN_STARTED_MS';

/** One member of a service as discovery sees it. */
export interface Member {
  /**
   * Stable identity that outlives a task: a head node's id, a shard task's id
   * (its partition is the FLORIN_PARTITION attribute). Key ownership hashes on it.
   */
  readonly id: string;
  /** Where it serves, `host:port` (IPv6 in brackets). */
  readonly address: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** False when the backend reports it unhealthy (Cloud Map health status); true otherwise. */
  readonly healthy: boolean;
}

/** What a process announces about itself. */
export interface Registration {
  readonly service: string;
  readonly id: string;
  /** `host:port`; Cloud Map needs an IP address for the host. */
  readonly address: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** One answer about a service: its members, newest first known at `updatedAt`. */
export interface Membership {
  readonly service: string;
  /** Sorted by id. Empty is a valid answer (the caller waits for members). */
  readonly members: readonly Member[];
  /** Increases by one each time the member list changes (per watch; 1 for the first answer). */
  readonly version: number;
  /** The backend's own revision when it has one (Cloud Map InstancesRevision). */
  readonly sourceRevision?: number;
  /** When this answer was last confirmed current (ms since epoch). */
  readonly updatedAt: number;
  /** True while the backend cannot be reached and this is the last good answer. */
  readonly stale: boolean;
}

const SERVICE_NAME = /^[A-Za-z0-9_]([A-Za-z0-9._-]{0,125}[A-Za-z0-9_])?$/;
/** Cloud Map's instance id alphabet (with '@': a shard task is shard-<partition>@<address>). */
const MEMBER_ID = /^[A-Za-z0-9_.:@-]{1,64}$/;

export function validateServiceName(service: string): string {
  if (typeof service !== 'string' || !SERVICE_NAME.test(service)) {
    throw invalidArgument(
      `invalid discovery service name ${JSON.stringify(service)}: use 1-127 letters, digits, '.', '-', '_' (not starting or ending with '.' or '-')`,
    );
  }
  return service;
}

export function validateMemberId(id: string): string {
  if (typeof id !== 'string' || !MEMBER_ID.test(id)) {
    throw invalidArgument(`invalid member id ${JSON.stringify(id)}: use 1-64 letters, digits, '.', ':', '@', '-', '_'`);
  }
  return id;
}

/** Splits `host:port` / `[v6]:port`; undefined when it is not one. */
export function parseAddress(address: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(address);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2]) as string, port };
}

export function validateAddress(address: string): string {
  if (typeof address !== 'string' || !parseAddress(address)) {
    throw invalidArgument(`invalid member address ${JSON.stringify(address)}: expected host:port with a port in 1-65535 ([v6]:port for IPv6)`);
  }
  return address;
}

export function validateRegistration(reg: Registration): Registration {
  validateServiceName(reg.service);
  validateMemberId(reg.id);
  validateAddress(reg.address);
  for (const [k, v] of Object.entries(reg.attributes ?? {})) {
    if (typeof v !== 'string') throw invalidArgument(`attribute ${k} of member ${reg.id} must be a string`);
  }
  return reg;
}

/** Sorted by id, then address (a partition can have several members with the same attribute). */
export function sortMembers(members: readonly Member[]): Member[] {
  return [...members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** True when two sorted member lists say the same thing. */
export function sameMembers(a: readonly Member[], b: readonly Member[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Member;
    const y = b[i] as Member;
    if (x.id !== y.id || x.address !== y.address || x.healthy !== y.healthy) return false;
    const xk = Object.keys(x.attributes);
    if (xk.length !== Object.keys(y.attributes).length) return false;
    for (const k of xk) if (x.attributes[k] !== y.attributes[k]) return false;
  }
  return true;
}

/** Members whose attributes include every pair of `query`. */
export function matchingMembers(members: readonly Member[], query: Readonly<Record<string, string>> | undefined): Member[] {
  if (!query || Object.keys(query).length === 0) return [...members];
  const pairs = Object.entries(query);
  return members.filter((m) => pairs.every(([k, v]) => m.attributes[k] === v));
}

/** Members grouped by the value of one attribute (e.g. FLORIN_PARTITION: a partition's shard tasks); members without it are left out. */
export function groupByAttribute(members: readonly Member[], attribute: string): Map<string, Member[]> {
  const out = new Map<string, Member[]>();
  for (const m of members) {
    const value = m.attributes[attribute];
    if (value === undefined) continue;
    let list = out.get(value);
    if (!list) out.set(value, (list = []));
    list.push(m);
  }
  return out;
}
