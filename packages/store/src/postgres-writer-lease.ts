import pg from 'pg';
import { createLogger, failedPrecondition, redactUrl, type Logger } from '@florin/core';
import { mapPgError } from './pg-errors.js';
import { quoteIdent } from './sql-names.js';
import { resolvePostgresStoreConfig } from './postgres-options.js';

/** Runs one statement inside the caller's transaction. */
export type FenceQuery = (text: string, values: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/**
 * Checked inside every write transaction of a PostgresStore before any row is
 * written (PostgresStore.fenceWrites); throws to refuse the write. A lock the
 * check takes holds until the write commits.
 */
export interface WriteFence {
  check(query: FenceQuery): Promise<void>;
}

export interface WriterLeaseOptions {
  /** The store's database (postgres://...). */
  readonly url: string;
  /** The store's schema (the lease table `shard_writers` lives beside the datasets). Default 'florin'. */
  readonly schema?: string;
  /** The partition (shard id) this lease is for. */
  readonly partition: number;
  /** This task's name in the lease, unique per task (e.g. `shard-0@10.0.1.7:7000`). */
  readonly holder: string;
  /** How long a lease lasts without renewal (default 5,000 ms): a writer that dies is replaced within ttl + ttl/5. */
  readonly ttlMs?: number;
  /** Called after each change of isWriter. */
  readonly onChange?: (isWriter: boolean) => void;
}

export type WriterLeaseState = 'created' | 'standby' | 'writer' | 'closed';

export const WRITER_LEASE_DEFAULTS = Object.freeze({ ttlMs: 5_000 });

export const SHARD_WRITERS_TABLE = 'shard_writers';

/**
 * One writer per partition among the shard tasks that serve it from one
 * PostgreSQL store, by a lease row in `<schema>.shard_writers` (partition,
 * holder, expires, epoch), timed by the database's clock. The writer renews
 * every ttl/3; a standby polls every ttl/5 and takes the lease once it has
 * expired (so within ttl + ttl/5 of the writer's death), or at once when the
 * writer released it (a graceful stop). Fencing: each write transaction takes
 * the lease row FOR SHARE and checks holder and expiry (check()), so a task
 * that is no longer the writer writes nothing, and a takeover waits for the
 * old writer's last transaction to commit: writes never interleave.
 */
export class PostgresWriterLease implements WriteFence {
  readonly partition: number;
  readonly holder: string;
  readonly ttlMs: number;
  private readonly table: string;
  private readonly schema: string;
  private readonly schemaName: string;
  private readonly where: string;
  private readonly pool: pg.Pool;
  private stateValue: WriterLeaseState = 'created';
  /** Local time until which the lease is surely ours: when the winning statement started, plus ttl. */
  private heldUntil = 0;
  private epochValue = 0;
  private lastHolder: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(private readonly options: WriterLeaseOptions) {
    const config = resolvePostgresStoreConfig({ url: options.url, ...(options.schema ? { schema: options.schema } : {}) });
    if (!Number.isSafeInteger(options.partition) || options.partition < 0) throw new TypeError(`partition must be a non-negative integer, got ${String(options.partition)}`);
    if (typeof options.holder !== 'string' || options.holder.length === 0) throw new TypeError('holder must be a non-empty string');
    this.ttlMs = options.ttlMs ?? WRITER_LEASE_DEFAULTS.ttlMs;
    if (!Number.isSafeInteger(this.ttlMs) || this.ttlMs < 100) throw new TypeError(`ttlMs must be an integer of at least 100, got ${String(options.ttlMs)}`);
    this.partition = options.partition;
    this.holder = options.holder;
    this.schemaName = config.schema;
    this.schema = quoteIdent(config.schema);
    this.table = `${this.schema}.${quoteIdent(SHARD_WRITERS_TABLE)}`;
    this.where = `${redactUrl(config.url)} (schema ${config.schema})`;
    this.pool = new pg.Pool({ connectionString: config.url, max: 2, connectionTimeoutMillis: config.connectTimeoutMs });
    this.pool.on('error', () => undefined);
    this.log = createLogger('writer-lease');
  }

  get state(): WriterLeaseState {
    return this.stateValue;
  }

  /** True while this task holds the lease (renewed within ttl, by the local clock). */
  get isWriter(): boolean {
    return this.stateValue === 'writer' && Date.now() < this.heldUntil;
  }

  /** The lease's epoch when this task took it (grows by one per change of holder). */
  get epoch(): number {
    return this.epochValue;
  }

  /** The holder last seen in the table (this task's holder while it writes). */
  get writer(): string | undefined {
    return this.isWriter ? this.holder : this.lastHolder;
  }

  /** Creates the table if missing, makes the first attempt, then keeps renewing (writer) or polling (standby). */
  async start(): Promise<void> {
    if (this.stateValue !== 'created') throw new Error(`cannot start: the writer lease is ${this.stateValue}`);
    await this.ensureTable();
    await this.attempt();
    this.schedule();
  }

  /** FAILED_PRECONDITION naming the writer when this task is not it (the ShardRouter then tries the next task). */
  assertWriter(): void {
    if (this.isWriter) return;
    throw failedPrecondition(`shard task ${this.holder} is not the writer of partition ${this.partition} (${this.lastHolder && this.lastHolder !== this.holder ? `the writer is ${this.lastHolder}` : 'no writer right now'}); nothing was written`);
  }

  /** The fence: inside the write's transaction, the lease row FOR SHARE, held by this task and not expired. */
  async check(query: FenceQuery): Promise<void> {
    const { rows } = await query(`SELECT holder, expires > clock_timestamp() AS live FROM ${this.table} WHERE partition = $1 FOR SHARE`, [this.partition]);
    const row = rows[0] as { holder: string; live: boolean } | undefined;
    if (row && row.holder === this.holder && row.live) return;
    this.lastHolder = row?.holder;
    if (this.stateValue === 'writer') this.become('standby');
    throw failedPrecondition(`shard task ${this.holder} is not the writer of partition ${this.partition} (${row ? (row.holder === this.holder ? 'its lease expired' : `the writer is ${row.holder}`) : 'no writer'}); nothing was written`);
  }

  /** One acquire-or-renew attempt now; true when this task holds the lease after it. */
  async attempt(): Promise<boolean> {
    const started = Date.now();
    try {
      if (this.stateValue !== 'writer') {
        // A standby reads first: the upsert below would lock the row and make the writer's writes wait.
        const { rows } = await this.pool.query<{ holder: string; expired: boolean }>(`SELECT holder, expires < clock_timestamp() AS expired FROM ${this.table} WHERE partition = $1`, [this.partition]);
        const row = rows[0];
        if (row && !row.expired && row.holder !== this.holder) {
          this.lastHolder = row.holder;
          this.become('standby');
          return false;
        }
      }
      const { rows } = await this.pool.query<{ epoch: string }>(
        `INSERT INTO ${this.table} AS w (partition, holder, expires, epoch) VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3::float8 / 1000), 1)
         ON CONFLICT (partition) DO UPDATE SET holder = EXCLUDED.holder, expires = EXCLUDED.expires,
           epoch = w.epoch + CASE WHEN w.holder = EXCLUDED.holder THEN 0 ELSE 1 END
         WHERE w.holder = EXCLUDED.holder OR w.expires < clock_timestamp()
         RETURNING epoch`,
        [this.partition, this.holder, this.ttlMs],
      );
      if (this.stateValue === 'closed') return false;
      if (rows[0]) {
        this.heldUntil = started + this.ttlMs;
        this.epochValue = Number(rows[0].epoch);
        this.lastHolder = this.holder;
        this.become('writer');
        return true;
      }
      this.become('standby');
      return false;
    } catch (err) {
      if (this.stateValue === 'closed') return false;
      const mapped = mapPgError(err, this.where);
      this.log.warn({ partition: this.partition, holder: this.holder, err: mapped instanceof Error ? mapped.message : String(mapped) }, `writer lease of partition ${this.partition}: attempt failed`);
      if (this.stateValue === 'writer' && Date.now() >= this.heldUntil) this.become('standby');
      return false;
    }
  }

  /**
   * Gives the lease up (a graceful stop): expires the row if this task holds
   * it, so a standby takes over at its next poll instead of after the ttl.
   * Stops renewing. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const wasWriter = this.stateValue === 'writer';
      this.stateValue = 'closed';
      clearTimeout(this.timer);
      await this.ticking;
      try {
        // Expired rather than deleted, so the epoch keeps counting holders. Waits for our writes still open (FOR SHARE).
        if (wasWriter) await this.pool.query(`UPDATE ${this.table} SET expires = clock_timestamp() - interval '1 millisecond' WHERE partition = $1 AND holder = $2`, [this.partition, this.holder]);
      } catch (err) {
        this.log.warn({ partition: this.partition, err: err instanceof Error ? err.message : String(err) }, 'could not release the writer lease; it expires by itself');
      } finally {
        await this.pool.end().catch(() => undefined);
      }
    })();
    return this.closing;
  }

  private become(state: 'writer' | 'standby'): void {
    if (this.stateValue === state || this.stateValue === 'closed') return;
    const was = this.stateValue;
    this.stateValue = state;
    if (state === 'writer') this.log.info({ partition: this.partition, holder: this.holder, epoch: this.epochValue }, `${this.holder} is now the writer of partition ${this.partition} (epoch ${this.epochValue})`);
    else if (was === 'writer') this.log.warn({ partition: this.partition, holder: this.holder, writer: this.lastHolder }, `${this.holder} is no longer the writer of partition ${this.partition}`);
    this.options.onChange?.(state === 'writer');
  }

  /** Renew every ttl/3 while writer; poll every ttl/5 while standby. */
  private schedule(): void {
    if (this.stateValue === 'closed') return;
    const delay = this.stateValue === 'writer' ? Math.floor(this.ttlMs / 3) : Math.floor(this.ttlMs / 5);
    this.timer = setTimeout(() => {
      this.ticking = this.attempt().then(() => {
        this.ticking = undefined;
        this.schedule();
      });
    }, delay);
    this.timer.unref();
  }

  private async ensureTable(): Promise<void> {
    const client = await this.pool.connect().catch((err: unknown) => {
      throw mapPgError(err, this.where);
    });
    try {
      await client.query('BEGIN');
      // The same lock the store takes for catalog changes: concurrent CREATE ... IF NOT EXISTS can otherwise collide.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`florin:${this.schemaName}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.table} (partition integer PRIMARY KEY, holder text NOT NULL, expires timestamptz NOT NULL, epoch bigint NOT NULL)`);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw mapPgError(err, this.where);
    } finally {
      client.release();
    }
  }
}
