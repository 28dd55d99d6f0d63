import type { SqlDialect, SqlExecutor } from './sql-driver.js';

/**
 * Columns added to tables after their first release. CREATE TABLE IF NOT
 * EXISTS leaves an existing table as it is, so a store created by an older
 * coordinator gets them here (with their defaults) when it is opened.
 */
const ADDED_COLUMNS: readonly { table: string; column: string; definition: string }[] = [
  // The unit's output (RegisterUnits carries it since jobs record their output dataset).
  { table: 'coord_units', column: 'output_dataset', definition: "TEXT NOT NULL DEFAULT ''" },
  { table: 'coord_units', column: 'output_fields', definition: "TEXT NOT NULL DEFAULT '[]'" },
  { table: 'coord_units', column: 'output_frequency', definition: "TEXT NOT NULL DEFAULT ''" },
  // Telemetry: the submit's trace context (tasks continue its trace), the failed task's log, each task's last log lines.
  { table: 'coord_jobs', column: 'traceparent', definition: "TEXT NOT NULL DEFAULT ''" },
  { table: 'coord_jobs', column: 'failure_log_json', definition: "TEXT NOT NULL DEFAULT '[]'" },
  { table: 'coord_tasks', column: 'log_json', definition: "TEXT NOT NULL DEFAULT '[]'" },
  // When a task's current attempt was leased (the dashboard's task durations).
  { table: 'coord_tasks', column: 'started_ms', definition: 'BIGINT NOT NULL DEFAULT 0' },
  // Who submitted the job (security: a researcher sees and cancels only their own jobs).
  { table: 'coord_jobs', column: 'owner', definition: "TEXT NOT NULL DEFAULT ''" },
  // Who leased the current attempt (security: only that identity may heartbeat or complete it).
  { table: 'coord_tasks', column: 'lease_subject', definition: "TEXT NOT NULL DEFAULT ''" },
];

/** Indexes over added columns: created after the columns exist (an older store gets them here too). */
const ADDED_INDEXES: readonly string[] = [
  // A researcher's List (and the dashboard's job list) shows only the caller's jobs.
  `CREATE INDEX IF NOT EXISTS coord_jobs_owner ON coord_jobs (owner, seq)`,
  // Submit looks for another owner's unfinished job writing the same output dataset.
  `CREATE INDEX IF NOT EXISTS coord_jobs_open_output ON coord_jobs (output_dataset) WHERE state IN ('queued', 'running')`,
];

/** Adds the missing columns of ADDED_COLUMNS (and their indexes); runs in the transaction that creates the tables. */
export async function migrateSchema(tx: SqlExecutor, dialect: SqlDialect): Promise<void> {
  const tables = [...new Set(ADDED_COLUMNS.map((c) => c.table))];
  for (const table of tables) {
    const present = new Set(await columnsOf(tx, dialect, table));
    for (const added of ADDED_COLUMNS) {
      if (added.table !== table || present.has(added.column)) continue;
      await tx.run(`ALTER TABLE ${table} ADD COLUMN ${added.column} ${added.definition}`);
    }
  }
  for (const ddl of ADDED_INDEXES) await tx.run(ddl);
}

async function columnsOf(tx: SqlExecutor, dialect: SqlDialect, table: string): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await tx.all<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, [table])
      : await tx.all<{ name: string }>(
          `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?`,
          [table],
        );
  return rows.map((r) => r.name);
}
