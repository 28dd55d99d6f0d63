import type { SqlDialect } from './sql-driver.js';

/**
 * The coordinator's tables. Booleans are 0/1 integers and JSON is text in both
 * dialects, so rows read the same everywhere; only the job sequence differs
 * (SQLite AUTOINCREMENT, PostgreSQL BIGSERIAL). Job progress is not stored: it
 * is derived from the tasks.
 */
export function schemaStatements(dialect: SqlDialect): string[] {
  const seq = dialect === 'sqlite' ? 'seq INTEGER PRIMARY KEY AUTOINCREMENT' : 'seq BIGSERIAL PRIMARY KEY';
  // PostgreSQL: concurrent CREATE ... IF NOT EXISTS can still collide; one opener at a time.
  const lock = dialect === 'postgres' ? ['SELECT pg_advisory_xact_lock(727201801)'] : [];
  return [
    ...lock,
    `CREATE TABLE IF NOT EXISTS coord_units (
      name TEXT NOT NULL,
      version TEXT NOT NULL,
      params_schema TEXT NOT NULL,
      has_final INTEGER NOT NULL,
      description TEXT NOT NULL,
      output_dataset TEXT NOT NULL DEFAULT '',
      output_fields TEXT NOT NULL DEFAULT '[]',
      output_frequency TEXT NOT NULL DEFAULT '',
      worker_id TEXT NOT NULL,
      registered_ms BIGINT NOT NULL,
      updated_ms BIGINT NOT NULL,
      PRIMARY KEY (name, version)
    )`,
    `CREATE TABLE IF NOT EXISTS coord_jobs (
      ${seq},
      job_id TEXT NOT NULL UNIQUE,
      idempotency_key TEXT UNIQUE,
      spec_hash TEXT NOT NULL,
      unit TEXT NOT NULL,
      unit_version TEXT NOT NULL,
      has_final INTEGER NOT NULL,
      dataset TEXT NOT NULL,
      symbols TEXT NOT NULL,
      symbol_count INTEGER NOT NULL,
      start_ms BIGINT NOT NULL,
      end_ms BIGINT NOT NULL,
      task_size INTEGER NOT NULL,
      params_json TEXT NOT NULL,
      output_dataset TEXT NOT NULL,
      max_attempts INTEGER NOT NULL,
      state TEXT NOT NULL,
      result_json TEXT NOT NULL DEFAULT '',
      error TEXT NOT NULL DEFAULT '',
      error_stack TEXT NOT NULL DEFAULT '',
      failed_task_index INTEGER NOT NULL DEFAULT -1,
      created_ms BIGINT NOT NULL,
      updated_ms BIGINT NOT NULL,
      finished_ms BIGINT NOT NULL DEFAULT 0,
      traceparent TEXT NOT NULL DEFAULT '',
      failure_log_json TEXT NOT NULL DEFAULT '[]',
      owner TEXT NOT NULL DEFAULT ''
    )`,
    `CREATE INDEX IF NOT EXISTS coord_jobs_state ON coord_jobs (state, seq)`,
    `CREATE INDEX IF NOT EXISTS coord_jobs_unit ON coord_jobs (unit, seq)`,
    // List's updated_since_ms (the dashboard's live feed asks what changed since its last look).
    `CREATE INDEX IF NOT EXISTS coord_jobs_updated ON coord_jobs (updated_ms)`,
    `CREATE TABLE IF NOT EXISTS coord_tasks (
      job_id TEXT NOT NULL REFERENCES coord_jobs (job_id),
      idx INTEGER NOT NULL,
      job_seq BIGINT NOT NULL,
      unit_ref TEXT NOT NULL,
      final INTEGER NOT NULL,
      symbols TEXT NOT NULL,
      state TEXT NOT NULL,
      attempt INTEGER NOT NULL DEFAULT 0,
      failures INTEGER NOT NULL DEFAULT 0,
      expiries INTEGER NOT NULL DEFAULT 0,
      lease_owner TEXT NOT NULL DEFAULT '',
      lease_subject TEXT NOT NULL DEFAULT '',
      lease_expires_ms BIGINT NOT NULL DEFAULT 0,
      next_run_ms BIGINT NOT NULL DEFAULT 0,
      result_json TEXT NOT NULL DEFAULT '',
      error TEXT NOT NULL DEFAULT '',
      error_stack TEXT NOT NULL DEFAULT '',
      updated_ms BIGINT NOT NULL,
      log_json TEXT NOT NULL DEFAULT '[]',
      started_ms BIGINT NOT NULL DEFAULT 0,
      PRIMARY KEY (job_id, idx)
    )`,
    // Partial indexes: a task is in the queue index while queued, in the lease index while leased, and in the
    // open index until it succeeds, so most tasks (succeeded) are in none, and each state change touches few entries.
    `DROP INDEX IF EXISTS coord_tasks_queue`,
    `DROP INDEX IF EXISTS coord_tasks_lease`,
    `DROP INDEX IF EXISTS coord_tasks_queued`,
    // next_run_ms and job_id make it covering for the lease's pick.
    `CREATE INDEX IF NOT EXISTS coord_tasks_ready ON coord_tasks (unit_ref, job_seq, idx, next_run_ms, job_id) WHERE state = 'queued'`,
    `CREATE INDEX IF NOT EXISTS coord_tasks_leased ON coord_tasks (lease_expires_ms) WHERE state = 'leased'`,
    // settleJob asks whether a job has a task that has not succeeded.
    `CREATE INDEX IF NOT EXISTS coord_tasks_open ON coord_tasks (job_id) WHERE state <> 'succeeded'`,
  ];
}
