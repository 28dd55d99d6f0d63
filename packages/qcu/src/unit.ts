import { frequencyMs, invalidArgument, paramsJsonSchema, validateDatasetName, validateFieldName, type ParamsJsonSchema, type ParamsSchema, isArrayValue } from '@florin/core';
import type { FinalContext, TaskContext } from './context.js';
import type { Json, ParamsOf } from './params.js';
import type { JobInfo, Task } from './task.js';

/** Where a unit's results go: one dataset, its fields and bar frequency (created by the QCU if missing). */
export interface UnitOutput {
  readonly dataset: string;
  readonly fields: readonly string[];
  readonly frequency: string;
}

/** What a unit author writes. */
export interface UnitDefinition<S extends ParamsSchema> {
  /** Unit name, unique per cluster: a letter, then letters, digits, _ . - / (max 128). */
  name: string;
  /** Version string, e.g. "1.0.0" or a content hash; (name, version) is the unit's identity. */
  version: string;
  description?: string;
  /**
   * Params as JSON Schema property schemas, by name (@florin/core ParamsSchema), e.g.
   * `{ window: { type: 'integer', minimum: 2, maximum: 1000, default: 50 } }`. A param with
   * a default is filled in when left out, one without is required; the coordinator
   * checks a job's params against them at submit (INVALID_ARGUMENT naming the param).
   */
  params: S;
  output: UnitOutput;
  /** Computes one task and publishes its rows. The returned JSON (if any) is the task's result. */
  run(ctx: TaskContext<ParamsOf<S>>, task: Task<ParamsOf<S>>): Promise<Json | void> | Json | void;
  /** Optional final step, run once after every task succeeded; its JSON is the job's result. */
  final?(ctx: FinalContext<ParamsOf<S>>, job: JobInfo<ParamsOf<S>>): Promise<Json> | Json;
}

/** A defined unit: the definition, checked and frozen, and recognisable by `isUnit`. */
export type Unit<S extends ParamsSchema = ParamsSchema> = Readonly<UnitDefinition<S>> & { readonly [UNIT_BRAND]: true };

/** What a QCU tells the coordinator about a unit it hosts (RegisterUnits). Plain JSON. */
export interface UnitDescriptor {
  name: string;
  version: string;
  description: string;
  /** The params as one object schema (what params_schema_json carries). */
  params: ParamsJsonSchema;
  output: UnitOutput;
  hasFinal: boolean;
}

// A registry symbol, so units made by another copy of @florin/qcu (a user module's own install) are still recognised.
const UNIT_BRAND: unique symbol = Symbol.for('florin.qcu.unit') as never;

// The coordinator's rules (RegisterUnits rejects anything else).
const UNIT_NAME = /^[A-Za-z][A-Za-z0-9_./-]{0,127}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/;

/**
 * Defines a unit. Checks the definition now (name, version, params schema,
 * output dataset) and throws INVALID_ARGUMENT naming the unit and the problem.
 */
export function defineUnit<const S extends ParamsSchema>(definition: UnitDefinition<S>): Unit<S> {
  const d = definition as Partial<UnitDefinition<S>> | undefined;
  if (typeof d !== 'object' || d === null) throw invalidArgument('defineUnit expects an object');
  if (typeof d.name !== 'string' || !UNIT_NAME.test(d.name)) {
    throw invalidArgument(`unit name ${JSON.stringify(d.name)} is malformed: use 1-128 characters, a letter first, then letters, digits or _ . - /`);
  }
  const where = `unit ${d.name}`;
  if (typeof d.version !== 'string' || !VERSION.test(d.version)) {
    throw invalidArgument(`${where}: version ${JSON.stringify(d.version)} is malformed: use e.g. "1.0.0" (letters, digits, . + _ -)`);
  }
  if (d.description !== undefined && typeof d.description !== 'string') throw invalidArgument(`${where}: description must be a string`);
  paramsJsonSchema(d.params ?? {}, where);
  const output = d.output;
  if (typeof output !== 'object' || output === null) throw invalidArgument(`${where}: output { dataset, fields, frequency } is required`);
  wrap(where, () => {
    validateDatasetName(output.dataset);
    if (!isArrayValue(output.fields) || output.fields.length === 0) throw invalidArgument('output.fields must be a non-empty array');
    output.fields.forEach((f) => validateFieldName(f));
    if (new Set(output.fields).size !== output.fields.length) throw invalidArgument('output.fields has duplicates');
    frequencyMs(output.frequency);
  });
  if (typeof d.run !== 'function') throw invalidArgument(`${where}: run(ctx, task) must be a function`);
  if (d.final !== undefined && typeof d.final !== 'function') throw invalidArgument(`${where}: final(ctx, job) must be a function when given`);
  const unit = {
    ...definition,
    params: definition.params ?? ({} as S),
    output: Object.freeze({ dataset: output.dataset, fields: Object.freeze([...output.fields]), frequency: output.frequency }),
    [UNIT_BRAND]: true as const,
  };
  return Object.freeze(unit);
}

/** True for a value made by defineUnit (any copy of @florin/qcu). */
export function isUnit(value: unknown): value is Unit {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[UNIT_BRAND] === true;
}

/** The JSON a QCU registers for `unit`. */
export function unitDescriptor(unit: Unit): UnitDescriptor {
  return {
    name: unit.name,
    version: unit.version,
    description: unit.description ?? '',
    params: paramsJsonSchema(unit.params, `unit ${unit.name}`),
    output: { dataset: unit.output.dataset, fields: [...unit.output.fields], frequency: unit.output.frequency },
    hasFinal: typeof unit.final === 'function',
  };
}

function wrap(where: string, check: () => void): void {
  try {
    check();
  } catch (err) {
    throw invalidArgument(`${where}: ${(err as Error).message}`);
  }
}
