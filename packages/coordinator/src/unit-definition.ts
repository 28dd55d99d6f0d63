import {
  frequencyMs,
  invalidArgument,
  parseJsonObject,
  validateDatasetName,
  validateFieldName,
  readParamsJsonSchema,
  type ParamsJsonSchema,
  type UnitDefinitionMessage,
  type UnitOutputMessage,
} from '@florin/core';
import type { UnitDefinition, UnitOutput } from './model.js';
import { canonicalJson } from './canonical-json.js';

const UNIT_NAME = /^[A-Za-z][A-Za-z0-9_.\-/]{0,127}$/;
const UNIT_VERSION = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/;
const MAX_DESCRIPTION = 4_096;

export function validateUnitName(name: string): string {
  if (!UNIT_NAME.test(name)) {
    throw invalidArgument(`malformed unit name ${JSON.stringify(name)}: use 1-128 characters, a letter first, then letters, digits or _ . - /`);
  }
  return name;
}

export function validateUnitVersion(version: string, unit: string): string {
  if (!UNIT_VERSION.test(version)) {
    throw invalidArgument(
      `malformed version ${JSON.stringify(version)} of unit ${unit}: use 1-64 characters, a letter or digit first, then letters, digits or _ . + -`,
    );
  }
  return version;
}

/** Most fields a unit's output dataset may have. */
const MAX_OUTPUT_FIELDS = 1_000;

/** Validates a registration; the schema is stored as canonical JSON, the output is required. */
export function validateUnitDefinition(input: UnitDefinitionMessage): UnitDefinition {
  const name = validateUnitName(input.name);
  const version = validateUnitVersion(input.version, name);
  const schema = readParamsJsonSchema(parseJsonObject(input.paramsSchemaJson, `params_schema_json of unit ${name}@${version}`), `unit ${name}@${version}`);
  if (input.description.length > MAX_DESCRIPTION) throw invalidArgument(`description of unit ${name}@${version} is longer than ${MAX_DESCRIPTION} characters`);
  const output = validateUnitOutput(input.output, `${name}@${version}`);
  return { name, version, paramsSchemaJson: canonicalJson(schema), hasFinal: input.hasFinal, description: input.description, output };
}

/** The output a unit declares: a dataset name, 1.. distinct field names and a bar frequency. */
function validateUnitOutput(output: UnitOutputMessage | null | undefined, unit: string): UnitOutput {
  if (!output || !output.dataset) {
    throw invalidArgument(`unit ${unit} declares no output: set output { dataset, fields, frequency }, the dataset its results are published into`);
  }
  const where = `output of unit ${unit}`;
  try {
    validateDatasetName(output.dataset);
    if (output.fields.length === 0) throw invalidArgument('fields is empty: name the fields the unit publishes');
    if (output.fields.length > MAX_OUTPUT_FIELDS) throw invalidArgument(`${output.fields.length} fields; at most ${MAX_OUTPUT_FIELDS}`);
    output.fields.forEach((f) => validateFieldName(f));
    if (new Set(output.fields).size !== output.fields.length) throw invalidArgument('fields names a field twice');
    frequencyMs(output.frequency);
  } catch (err) {
    throw invalidArgument(`${where}: ${(err as Error).message}`);
  }
  return { dataset: output.dataset, fields: [...output.fields], frequency: output.frequency };
}

/** Stored schema JSON -> checked schema (its validator compiled once), so a submit neither re-reads nor recompiles it. */
const storedSchemas = new Map<string, ParamsJsonSchema>();
const MAX_STORED_SCHEMAS = 1_000;

/**
 * The params schema of a stored unit row. Rows registered before params were
 * JSON Schema hold the older map dialect; they are migrated here, on read.
 */
export function parseStoredSchema(json: string, unit = 'unit'): ParamsJsonSchema {
  let schema = storedSchemas.get(json);
  if (schema) return schema;
  schema = readParamsJsonSchema(parseJsonObject(json, `stored params schema of ${unit}`), unit);
  if (storedSchemas.size >= MAX_STORED_SCHEMAS) storedSchemas.delete(storedSchemas.keys().next().value!);
  storedSchemas.set(json, schema);
  return schema;
}
