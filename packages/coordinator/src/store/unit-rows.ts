import type { UnitDefinition, UnitRecord } from '../model.js';
import type { SqlExecutor } from './sql-driver.js';

interface UnitRow {
  name: string;
  version: string;
  params_schema: string;
  has_final: number;
  description: string;
  output_dataset: string;
  output_fields: string;
  output_frequency: string;
  worker_id: string;
  registered_ms: number;
  updated_ms: number;
}

function unitFromRow(row: UnitRow): UnitRecord {
  return {
    name: row.name,
    version: row.version,
    paramsSchemaJson: row.params_schema,
    hasFinal: Number(row.has_final) === 1,
    description: row.description,
    output: { dataset: row.output_dataset, fields: JSON.parse(row.output_fields) as string[], frequency: row.output_frequency },
    workerId: row.worker_id,
    registeredMs: Number(row.registered_ms),
    updatedMs: Number(row.updated_ms),
  };
}

/** Upserts each (name, version); a re-registration replaces schema, description, final flag and output. */
export async function upsertUnits(tx: SqlExecutor, workerId: string, units: readonly UnitDefinition[], nowMs: number): Promise<UnitRecord[]> {
  const out: UnitRecord[] = [];
  for (const u of units) {
    await tx.run(
      `INSERT INTO coord_units (name, version, params_schema, has_final, description, output_dataset, output_fields, output_frequency,
         worker_id, registered_ms, updated_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name, version) DO UPDATE SET params_schema = excluded.params_schema, has_final = excluded.has_final,
         description = excluded.description, output_dataset = excluded.output_dataset, output_fields = excluded.output_fields,
         output_frequency = excluded.output_frequency, worker_id = excluded.worker_id, updated_ms = excluded.updated_ms`,
      [
        u.name, u.version, u.paramsSchemaJson, u.hasFinal ? 1 : 0, u.description, u.output.dataset, JSON.stringify(u.output.fields), u.output.frequency,
        workerId, nowMs, nowMs,
      ],
    );
    const [row] = await tx.all<UnitRow>(`SELECT * FROM coord_units WHERE name = ? AND version = ?`, [u.name, u.version]);
    out.push(unitFromRow(row!));
  }
  return out;
}

/** An exact version, or the most recently registered version of the name. */
export async function selectUnit(ex: SqlExecutor, name: string, version?: string): Promise<UnitRecord | undefined> {
  const rows = version
    ? await ex.all<UnitRow>(`SELECT * FROM coord_units WHERE name = ? AND version = ?`, [name, version])
    : await ex.all<UnitRow>(`SELECT * FROM coord_units WHERE name = ? ORDER BY registered_ms DESC, version DESC LIMIT 1`, [name]);
  return rows[0] ? unitFromRow(rows[0]) : undefined;
}
