/** A write in flight at this head, as WriteOverlap tracks it. */
export interface WriteInFlight {
  /** Per series key: the key's change count right after this write began. */
  readonly began: ReadonlyMap<string, number>;
}

interface KeyActivity {
  /** Writes of the key in flight at this head. */
  active: number;
  /** Writes of the key begun or ended while any was in flight. */
  changes: number;
}

/**
 * Which writes through this head ran alone on a series key: no other write of
 * the key began or ended while it was in flight. Only such a write knows, from
 * the shard's cover answer, that its rows are all a chunk holds: two writes
 * of one key at once may be applied in either order (or merged) at the shard.
 */
export class WriteOverlap {
  private readonly keys = new Map<string, KeyActivity>();

  begin(seriesKeys: Iterable<string>): WriteInFlight {
    const began = new Map<string, number>();
    for (const key of seriesKeys) {
      if (began.has(key)) continue;
      let activity = this.keys.get(key);
      if (!activity) this.keys.set(key, (activity = { active: 0, changes: 0 }));
      activity.active++;
      activity.changes++;
      began.set(key, activity.changes);
    }
    return { began };
  }

  /** Ends `write`; answers the keys it wrote alone. */
  end(write: WriteInFlight): Set<string> {
    const alone = new Set<string>();
    for (const [key, began] of write.began) {
      const activity = this.keys.get(key)!;
      if (activity.active === 1 && activity.changes === began) alone.add(key);
      activity.active--;
      activity.changes++;
      // No write of the key in flight: later writes compare only with writes that overlap them.
      if (activity.active === 0) this.keys.delete(key);
    }
    return alone;
  }
}
