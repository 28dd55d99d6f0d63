/** `ended`: the change ended the job (its watchers need not wait to coalesce more changes). */
type Listener = (ended: boolean) => void;

/**
 * In-process notifications that a job's state or progress changed, so Watch
 * streams re-read it. Watchers also poll, which covers changes made by
 * another coordinator process sharing a PostgreSQL store.
 */
export class JobChangeFeed {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** Calls `listener` after each change to `jobId`; answers the unsubscribe function. */
  subscribe(jobId: string, listener: Listener): () => void {
    let set = this.listeners.get(jobId);
    if (!set) {
      set = new Set();
      this.listeners.set(jobId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(jobId) === set) this.listeners.delete(jobId);
    };
  }

  /** Tells the listeners of `jobIds` that they changed; `ended` names those that reached a terminal state. */
  publish(jobIds: Iterable<string>, ended?: ReadonlySet<string>): void {
    for (const id of jobIds) {
      const set = this.listeners.get(id);
      if (!set) continue;
      const isEnded = ended?.has(id) ?? false;
      for (const listener of [...set]) listener(isEnded);
    }
  }

  get subscriptions(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}
