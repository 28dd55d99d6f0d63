import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { invalidArgument } from '../errors.js';
import type { ParamsJsonSchema, ParamValue } from './params-schema.js';

/**
 * Validates job params against a unit's params schema with ajv: strict mode
 * (unknown keywords, NaN and Infinity rejected), defaults filled in, no type
 * coercion. Compiled validators are cached by the schema's JSON, so a submit
 * for a unit version already seen does not compile again.
 */
const ajv = new Ajv({ strict: true, useDefaults: true, coerceTypes: false, allErrors: false, verbose: true });

interface Compiled {
  readonly validate: ValidateFunction;
  readonly schema: ParamsJsonSchema;
}

/** Most compiled schemas kept (units x versions a coordinator sees); the oldest goes first. */
const MAX_CACHED = 1_000;
const cache = new Map<string, Compiled>();

/** Compiles (or finds) the validator of `schema`; INVALID_ARGUMENT if ajv rejects the schema or a default. */
export function compileParams(schema: ParamsJsonSchema, unit = 'unit'): ValidateFunction {
  const key = JSON.stringify(schema);
  const hit = cache.get(key);
  if (hit) return hit.validate;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    throw invalidArgument(`params schema of ${unit}: ${(err as Error).message.replace(/^strict mode: /, '')}`);
  }
  checkDefaults(schema, unit);
  if (cache.size >= MAX_CACHED) {
    const [oldestKey, oldest] = cache.entries().next().value!;
    cache.delete(oldestKey);
    ajv.removeSchema(oldest.schema);
  }
  cache.set(key, { validate, schema });
  return validate;
}

/**
 * Checks `params` against `schema` and returns a copy with defaults filled in.
 * INVALID_ARGUMENT names the param, what was wrong and what is allowed.
 */
export function validateParams(schema: ParamsJsonSchema, params: Record<string, unknown>, unit = 'unit'): Record<string, ParamValue> {
  const validate = compileParams(schema, unit);
  const copy = { ...params };
  if (!validate(copy)) throw invalidArgument(describeError(schema, validate.errors?.[0], unit));
  return copy as Record<string, ParamValue>;
}

/** ajv does not check defaults against their schema: a default the param itself would reject is a schema error. */
function checkDefaults(schema: ParamsJsonSchema, unit: string): void {
  for (const [name, spec] of Object.entries(schema.properties)) {
    if (spec.default === undefined) continue;
    const { default: value, ...rest } = spec;
    const validate = ajv.compile(rest);
    const ok = validate(value);
    ajv.removeSchema(rest);
    if (!ok) {
      const e = validate.errors?.[0];
      throw invalidArgument(`params schema of ${unit}, param ${JSON.stringify(name)}: default ${JSON.stringify(value)} ${e ? message(e, rest) : 'does not match'}`);
    }
  }
}

function describeError(schema: ParamsJsonSchema, e: ErrorObject | undefined, unit: string): string {
  if (!e) return `params of ${unit} do not match its schema`;
  if (e.keyword === 'required') {
    const name = (e.params as { missingProperty: string }).missingProperty;
    return `param ${JSON.stringify(name)} of ${unit} is required (${typeName(schema.properties[name])})`;
  }
  if (e.keyword === 'additionalProperties') {
    const name = (e.params as { additionalProperty: string }).additionalProperty;
    const known = Object.keys(schema.properties);
    return `unknown param ${JSON.stringify(name)} for ${unit}; ${known.length ? `it takes ${known.join(', ')}` : 'it takes no params'}`;
  }
  // instancePath: /window, or /weights/0 for an item.
  const [name, ...rest] = e.instancePath.split('/').slice(1);
  const at = `param ${JSON.stringify(`${name ?? ''}${rest.map((i) => `[${i}]`).join('')}`)} of ${unit}`;
  return `${at} ${message(e, e.parentSchema)}, got ${describe(e.data)}`;
}

/** An ajv error in words close to the schema: "must be an integer", "must be <= 500 (allowed 1 to 500)". */
function message(e: ErrorObject, spec: Record<string, unknown> | undefined): string {
  switch (e.keyword) {
    case 'type': {
      const type = (e.params as { type: string }).type;
      return type === 'number' ? 'must be a finite number' : type === 'integer' ? 'must be an integer' : `must be ${type === 'array' ? 'an' : 'a'} ${type}`;
    }
    case 'enum':
      return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const lo = spec?.['minimum'] ?? spec?.['exclusiveMinimum'];
      const hi = spec?.['maximum'] ?? spec?.['exclusiveMaximum'];
      return lo !== undefined && hi !== undefined ? `${e.message} (allowed ${JSON.stringify(lo)} to ${JSON.stringify(hi)})` : (e.message ?? e.keyword);
    }
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

function typeName(spec: { type?: unknown; items?: { type?: unknown } } | undefined): string {
  if (!spec) return 'unknown';
  return spec.type === 'array' && spec.items ? `array of ${String(spec.items.type)}` : String(spec.type);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' ? `number ${value}` : `${typeof value} ${JSON.stringify(value)}`;
}
