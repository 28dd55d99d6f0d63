type Listener = () => void;

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

  publish(jobIds: Iterable<string>): void {
    for (const id of jobIds) for (const listener of [...(this.listeners.get(id) ?? [])]) listener();
  }

  get subscriptions(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}
