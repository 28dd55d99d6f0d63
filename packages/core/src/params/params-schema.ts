import { invalidArgument } from '../errors.js';
import { fromLegacyParams, isLegacyParams } from './legacy-params.js';
import { compileParams } from './params-validator.js';

/**
 * A unit's params, as JSON Schema (draft-07 keywords, checked by ajv in strict
 * mode). A unit declares them as a map from param name to a property schema,
 * e.g. `{ window: { type: 'integer', minimum: 2, maximum: 1000, default: 50 } }`:
 * a param with a `default` is filled in when a job leaves it out, a param
 * without one is required. The map travels to the coordinator (jobs.proto
 * UnitDefinition.params_schema_json) as one object schema, ParamsJsonSchema,
 * which rejects params the unit does not declare.
 */
export interface ParamSchema {
  type: 'number' | 'integer' | 'string' | 'boolean' | 'array';
  description?: string;
  default?: unknown;
  enum?: readonly (string | number | boolean)[];
  const?: string | number | boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  items?: ParamSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
}

/** What a unit declares: param name -> property schema. */
export type ParamsSchema = Readonly<Record<string, ParamSchema>>;

/** The object schema a unit's params travel and are stored as. */
export interface ParamsJsonSchema {
  type: 'object';
  properties: Record<string, ParamSchema>;
  required: string[];
  additionalProperties: false;
}

/** A JSON value a param can take. */
export type ParamValue = null | boolean | number | string | readonly ParamValue[];

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const OBJECT_KEYS = new Set(['type', 'properties', 'required', 'additionalProperties']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses JSON that must be an object; empty text is `{}`. `what` names it in the error. */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalidArgument(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw invalidArgument(`${what} must be a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  return value;
}

/**
 * Checks a unit's params declaration (name -> property schema) and returns it
 * as the object schema it travels as; compiles it once (cached), so a schema
 * ajv rejects (unknown keyword, wrong type of a keyword, a default that does
 * not match) fails here with INVALID_ARGUMENT naming the param.
 */
export function paramsJsonSchema(declaration: unknown, unit = 'unit'): ParamsJsonSchema {
  if (!isObject(declaration)) throw invalidArgument(`params schema of ${unit} must be an object mapping param names to JSON Schemas like {"type":"number"}`);
  const required: string[] = [];
  for (const [name, spec] of Object.entries(declaration)) {
    checkParam(name, spec, unit);
    if ((spec as Record<string, unknown>)['default'] === undefined) required.push(name);
  }
  const schema: ParamsJsonSchema = { type: 'object', properties: declaration as Record<string, ParamSchema>, required, additionalProperties: false };
  compileParams(schema, unit);
  return schema;
}

/**
 * Reads the params schema a unit registered (jobs.proto params_schema_json,
 * and the coordinator's stored unit rows): an object schema as written by
 * paramsJsonSchema, or a map in the dialect before JSON Schema
 * ({ type: 'string[]', min, max, required }), migrated. Checked and compiled once (cached).
 */
export function readParamsJsonSchema(value: unknown, unit = 'unit'): ParamsJsonSchema {
  if (!isObject(value)) throw invalidArgument(`params schema of ${unit} must be a JSON object`);
  if (isLegacyParams(value)) return readParamsJsonSchema(fromLegacyParams(value), unit);
  for (const key of Object.keys(value)) {
    if (!OBJECT_KEYS.has(key)) throw invalidArgument(`params schema of ${unit}: unknown key ${JSON.stringify(key)}; expected {type: "object", properties, required, additionalProperties: false}`);
  }
  if (value['additionalProperties'] !== false) throw invalidArgument(`params schema of ${unit}: additionalProperties must be false`);
  const properties = value['properties'];
  if (!isObject(properties)) throw invalidArgument(`params schema of ${unit}: properties must be an object`);
  for (const [name, spec] of Object.entries(properties)) checkParam(name, spec, unit);
  const required = value['required'] ?? [];
  if (!Array.isArray(required) || !required.every((r) => typeof r === 'string' && Object.prototype.hasOwnProperty.call(properties, r))) {
    throw invalidArgument(`params schema of ${unit}: required must list names of its properties`);
  }
  const schema: ParamsJsonSchema = { type: 'object', properties: properties as Record<string, ParamSchema>, required: required as string[], additionalProperties: false };
  compileParams(schema, unit);
  return schema;
}

function checkParam(name: string, spec: unknown, unit: string): void {
  const at = `params schema of ${unit}, param ${JSON.stringify(name)}`;
  if (!NAME.test(name)) throw invalidArgument(`${at}: names are letters, digits and _ (max 64), not starting with a digit`);
  if (!isObject(spec)) throw invalidArgument(`${at}: must be a JSON Schema like {"type":"number"}`);
  if (typeof spec['type'] !== 'string') throw invalidArgument(`${at}: type is required: one of number, integer, string, boolean, array`);
}
