import { invalidArgument, parseJsonObject, validateParamsSchema, type ParamsSchema } from '@florin/core';
import type { UnitDefinition } from './model.js';
import { canonicalJson } from './canonical-json.js';

const UNIT_NAME = /^[A-Za-z][A-Za-z0-9_.\-/]{0,127}$/;
const UNIT_VERSION = /^[A-Za-z0-9][A-Za-z0-9_.+\-]{0,63}$/;
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

/** The wire shape of a UnitDefinition (jobs.proto). */
export interface UnitDefinitionInput {
  name: string;
  version: string;
  paramsSchemaJson: string;
  hasFinal: boolean;
  description: string;
}

/** Validates a registration; the schema is stored as canonical JSON. */
export function validateUnitDefinition(input: UnitDefinitionInput): UnitDefinition {
  const name = validateUnitName(input.name);
  const version = validateUnitVersion(input.version, name);
  const schema = validateParamsSchema(parseJsonObject(input.paramsSchemaJson, `params_schema_json of unit ${name}@${version}`), `${name}@${version}`);
  if (input.description.length > MAX_DESCRIPTION) throw invalidArgument(`description of unit ${name}@${version} is longer than ${MAX_DESCRIPTION} characters`);
  return { name, version, paramsSchemaJson: canonicalJson(schema), hasFinal: input.hasFinal, description: input.description };
}

export function parseStoredSchema(json: string): ParamsSchema {
  return JSON.parse(json) as ParamsSchema;
}
