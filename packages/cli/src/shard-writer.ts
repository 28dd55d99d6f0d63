import { Option, type Command } from 'commander';
import { failedPrecondition } from '@florin/core';
import { PostgresStore, PostgresWriterLease, WRITER_LEASE_DEFAULTS, type Store } from '@florin/store';
import type { WriterCheck } from '@florin/shard';
import { positiveInt } from './options.js';

export interface ShardWriterFlags {
  writerLeaseMs: number;
}

/** --writer-lease-ms (FLORIN_WRITER_LEASE_MS). */
export function addWriterLeaseOption(command: Command): Command {
  return command.addOption(
    new Option('--writer-lease-ms <n>', 'PostgreSQL store: the writer lease of this partition lasts this long unrenewed; a writer that dies is replaced within it plus a fifth')
      .env('FLORIN_WRITER_LEASE_MS')
      .argParser(positiveInt('--writer-lease-ms'))
      .default(WRITER_LEASE_DEFAULTS.ttlMs),
  );
}

/**
 * The `{address}` in a shard task's id (`--node-id shard-0@{address}`, what
 * `florin up --shard-tasks` and the CDK app pass) becomes the address it
 * registers, so tasks of one partition started alike get ids of their own.
 */
export function shardTaskId(template: string, address: string): string {
  return template.replaceAll('{address}', address);
}

/**
 * A shard task's part in "one writer per partition": on a PostgreSQL store,
 * a PostgresWriterLease that fences the store's writes; on DuckDB nothing (one
 * task owns the file). Made before the server (which takes it as its
 * WriterCheck) and started once the task knows its address (its holder name).
 */
export class ShardWriter implements WriterCheck {
  private lease: PostgresWriterLease | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly partition: number,
    private readonly ttlMs: number,
  ) {}

  /** Whether writes need the lease (a PostgreSQL store, shared by every task of the partition). */
  get leased(): boolean {
    return this.store instanceof PostgresStore;
  }

  /** Takes part in the lease as `holder` (unique per task, e.g. shard-0@10.0.1.7:7000): writer now, or standby. */
  async start(holder: string): Promise<void> {
    if (!(this.store instanceof PostgresStore)) return;
    const { url, schema } = this.store.config;
    const lease = new PostgresWriterLease({ url, schema, partition: this.partition, holder, ttlMs: this.ttlMs });
    this.store.fenceWrites(lease);
    this.lease = lease;
    await lease.start();
  }

  assertWriter(): void {
    if (!this.leased) return;
    if (!this.lease) throw failedPrecondition(`this shard task is not the writer of partition ${this.partition} yet (it is starting); nothing was written`);
    this.lease.assertWriter();
  }

  /** What to say in the ready line and logs. */
  describe(): string {
    if (!this.lease) return 'single writer (its own store)';
    return this.lease.isWriter ? `writer of partition ${this.partition} (epoch ${this.lease.epoch})` : `standby for partition ${this.partition} (writer: ${this.lease.writer ?? 'none'})`;
  }

  /** Releases the lease (a standby takes over at its next poll). Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.lease?.close() ?? Promise.resolve();
    return this.closing;
  }
}
