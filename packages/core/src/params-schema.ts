import { invalidArgument } from './errors.js';

/**
 * The declarative params schema of a unit (jobs.proto UnitDefinition.params_schema_json):
 * each parameter name maps to a ParamSpec. Shared by the QCU (declares it),
 * the coordinator (checks job params against it) and the SDK.
 */
export type ParamType = 'number' | 'integer' | 'string' | 'boolean' | 'string[]' | 'number[]';

export type ParamValue = number | string | boolean | string[] | number[];

export interface ParamSpec {
  type: ParamType;
  /** Default false. A required param has no default. */
  required?: boolean;
  /** Filled in when the param is absent. */
  default?: ParamValue;
  /** Inclusive bounds for number / integer (and for each item of number[]). */
  min?: number;
  max?: number;
  /** Allowed values for string / number / integer. */
  enum?: readonly (string | number)[];
  /** Length bounds: characters of a string, items of an array. */
  minLength?: number;
  maxLength?: number;
  description?: string;
}

export type ParamsSchema = Readonly<Record<string, ParamSpec>>;

const TYPES: readonly ParamType[] = ['number', 'integer', 'string', 'boolean', 'string[]', 'number[]'];
const SPEC_KEYS = new Set(['type', 'required', 'default', 'min', 'max', 'enum', 'minLength', 'maxLength', 'description']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

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

/** Checks a schema's shape (INVALID_ARGUMENT naming the bad entry) and returns it typed. */
export function validateParamsSchema(value: unknown, unit = 'unit'): ParamsSchema {
  if (!isObject(value)) throw invalidArgument(`params schema of ${unit} must be an object mapping param names to specs`);
  for (const [name, spec] of Object.entries(value)) {
    const at = `params schema of ${unit}, param ${JSON.stringify(name)}`;
    if (!NAME.test(name)) throw invalidArgument(`${at}: names are letters, digits and _ (max 64), not starting with a digit`);
    if (!isObject(spec)) throw invalidArgument(`${at}: spec must be an object like {"type":"number"}`);
    for (const key of Object.keys(spec)) if (!SPEC_KEYS.has(key)) throw invalidArgument(`${at}: unknown key ${JSON.stringify(key)}`);
    if (!TYPES.includes(spec.type as ParamType)) throw invalidArgument(`${at}: type must be one of ${TYPES.join(', ')}`);
    for (const key of ['min', 'max', 'minLength', 'maxLength'] as const) {
      if (spec[key] !== undefined && (typeof spec[key] !== 'number' || !Number.isFinite(spec[key]))) {
        throw invalidArgument(`${at}: ${key} must be a finite number`);
      }
    }
    if (spec.required !== undefined && typeof spec.required !== 'boolean') throw invalidArgument(`${at}: required must be a boolean`);
    if (spec.enum !== undefined && (!Array.isArray(spec.enum) || spec.enum.length === 0)) {
      throw invalidArgument(`${at}: enum must be a non-empty array`);
    }
    if (spec.required === true && spec.default !== undefined) throw invalidArgument(`${at}: a required param cannot have a default`);
    if (spec.default !== undefined) checkValue(spec as unknown as ParamSpec, spec.default, `${at}: default`);
  }
  return value as unknown as ParamsSchema;
}

/**
 * Checks `params` against `schema` and returns them with defaults filled in.
 * INVALID_ARGUMENT names the param and what was expected.
 */
export function validateParams(schema: ParamsSchema, params: Record<string, unknown>, unit = 'unit'): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const name of Object.keys(params)) {
    if (!Object.prototype.hasOwnProperty.call(schema, name)) {
      const known = Object.keys(schema);
      throw invalidArgument(
        `unknown param ${JSON.stringify(name)} for ${unit}; ${known.length ? `it takes ${known.join(', ')}` : 'it takes no params'}`,
      );
    }
  }
  for (const [name, spec] of Object.entries(schema)) {
    const value = params[name];
    if (value === undefined || value === null) {
      if (spec.default !== undefined) out[name] = spec.default;
      else if (spec.required) throw invalidArgument(`param ${JSON.stringify(name)} of ${unit} is required (${spec.type})`);
      continue;
    }
    out[name] = checkValue(spec, value, `param ${JSON.stringify(name)} of ${unit}`);
  }
  return out;
}

function checkValue(spec: ParamSpec, value: unknown, at: string): ParamValue {
  switch (spec.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw invalidArgument(`${at} must be a boolean, got ${describe(value)}`);
      return value;
    case 'number':
    case 'integer':
      return checkNumber(spec, value, at, spec.type === 'integer');
    case 'string':
      if (typeof value !== 'string') throw invalidArgument(`${at} must be a string, got ${describe(value)}`);
      checkLength(spec, value.length, at, 'characters');
      checkEnum(spec, value, at);
      return value;
    case 'string[]':
    case 'number[]': {
      if (!Array.isArray(value)) throw invalidArgument(`${at} must be an array (${spec.type}), got ${describe(value)}`);
      checkLength(spec, value.length, at, 'items');
      if (spec.type === 'string[]') {
        value.forEach((v, i) => {
          if (typeof v !== 'string') throw invalidArgument(`${at}[${i}] must be a string, got ${describe(v)}`);
        });
        return value as string[];
      }
      return value.map((v, i) => checkNumber({ ...spec, enum: undefined }, v, `${at}[${i}]`, false));
    }
  }
}

function checkNumber(spec: ParamSpec, value: unknown, at: string, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidArgument(`${at} must be a finite number, got ${describe(value)}`);
  if (integer && !Number.isSafeInteger(value)) throw invalidArgument(`${at} must be an integer, got ${value}`);
  if (spec.min !== undefined && value < spec.min) throw invalidArgument(`${at} must be >= ${spec.min}, got ${value}`);
  if (spec.max !== undefined && value > spec.max) throw invalidArgument(`${at} must be <= ${spec.max}, got ${value}`);
  checkEnum(spec, value, at);
  return value;
}

function checkLength(spec: ParamSpec, length: number, at: string, unit: string): void {
  if (spec.minLength !== undefined && length < spec.minLength) throw invalidArgument(`${at} must have at least ${spec.minLength} ${unit}, got ${length}`);
  if (spec.maxLength !== undefined && length > spec.maxLength) throw invalidArgument(`${at} must have at most ${spec.maxLength} ${unit}, got ${length}`);
}

function checkEnum(spec: ParamSpec, value: string | number, at: string): void {
  if (spec.enum && !spec.enum.includes(value)) {
    throw invalidArgument(`${at} must be one of ${spec.enum.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`);
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${JSON.stringify(value)}`;
}
