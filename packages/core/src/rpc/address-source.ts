/**
 * Where a single-member service (the coordinator) listens now. Discovery
 * implements it: when the member is replaced at a new address, channels built
 * on the source follow it without a restart.
 */
export interface AddressSource {
  /** What to say when there is no member, e.g. "coordinator (discovery service 'coordinator')". */
  readonly description: string;
  /** The current address, or undefined while no member is known. */
  current(): string | undefined;
  /** Calls `listener` after every change of current(); returns the function that unsubscribes. */
  onChange(listener: (address: string | undefined) => void): () => void;
}

/** An address that never changes. */
export function fixedAddress(address: string): AddressSource {
  return { description: address, current: () => address, onChange: () => () => undefined };
}

/** A member of a service as routing needs it: a stable id (ownership hashes it) and where it listens now. */
export interface RoutedMember {
  readonly id: string;
  readonly address: string;
}

/**
 * The live members of a service with many members (the head nodes). Discovery
 * implements it (MemberSet); a fixed list is another.
 */
export interface MemberSource {
  readonly description: string;
  members(): readonly RoutedMember[];
  onChange(listener: (members: readonly RoutedMember[]) => void): () => void;
}
