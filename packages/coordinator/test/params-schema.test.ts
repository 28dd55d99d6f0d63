import { describe, expect, it } from 'vitest';
import { compileParams, paramsJsonSchema, parseJsonObject, readParamsJsonSchema, validateParams } from '@florin/core';

// A unit's declaration: JSON Schema property schemas by name; a param without a default is required.
const schema = paramsJsonSchema({
  window: { type: 'integer', minimum: 1, maximum: 500, default: 20 },
  weights: { type: 'array', items: { type: 'number', minimum: 0 }, minItems: 1, maxItems: 3, default: [1] },
  fields: { type: 'array', items: { type: 'string' }, default: ['close'] },
  mode: { type: 'string', enum: ['long', 'short'] },
  adjust: { type: 'boolean', default: true },
});

const invalid = (message: string): unknown => expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(message) });

describe('params schema (JSON Schema via ajv, shared by coordinator and QCU)', () => {
  it('is one object schema: params without a default are required, unknown params are rejected', () => {
    expect(schema).toEqual({
      type: 'object',
      properties: expect.any(Object),
      required: ['mode'],
      additionalProperties: false,
    });
  });

  it('fills defaults, keeps given values and does not touch the caller\'s object', () => {
    const given = { mode: 'long', weights: [0.5, 1] };
    expect(validateParams(schema, given)).toEqual({ window: 20, weights: [0.5, 1], fields: ['close'], mode: 'long', adjust: true });
    expect(given).toEqual({ mode: 'long', weights: [0.5, 1] });
    expect(validateParams(schema, { mode: 'short', window: 5, adjust: false, fields: ['open', 'close'] })).toEqual({
      window: 5,
      weights: [1],
      fields: ['open', 'close'],
      mode: 'short',
      adjust: false,
    });
  });

  it('rejects bad values with INVALID_ARGUMENT naming the param, the problem and the allowed range', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{}, 'param "mode" of unit is required (string)'],
      [{ mode: 'long', weights: [] }, 'param "weights" of unit must NOT have fewer than 1 items, got an array'],
      [{ mode: 'long', weights: [1, 2, 3, 4] }, 'must NOT have more than 3 items'],
      [{ mode: 'long', weights: [-1] }, 'param "weights[0]" of unit must be >= 0, got number -1'],
      [{ mode: 'long', fields: [1] }, 'param "fields[0]" of unit must be a string, got number 1'],
      [{ mode: 'long', adjust: 'yes' }, 'param "adjust" of unit must be a boolean, got "yes"'],
      [{ mode: 'long', window: Number.NaN }, 'param "window" of unit must be an integer, got number NaN'],
      [{ mode: 'long', window: 2.5 }, 'param "window" of unit must be an integer, got number 2.5'],
      [{ mode: 'long', window: '20' }, 'must be an integer, got "20"'],
      [{ mode: 'long', window: 501 }, 'param "window" of unit must be <= 500 (allowed 1 to 500), got number 501'],
      [{ mode: 'sideways' }, 'param "mode" of unit must be one of "long", "short", got "sideways"'],
      [{ mode: 'long', extra: 1 }, 'unknown param "extra" for unit; it takes window, weights, fields, mode, adjust'],
    ];
    for (const [params, message] of bad) expect(() => validateParams(schema, params), JSON.stringify(params)).toThrow(invalid(message));
    expect(() => validateParams(paramsJsonSchema({}), { x: 1 })).toThrow('it takes no params');
  });

  it('rejects malformed schemas precisely (ajv strict mode)', () => {
    expect(() => paramsJsonSchema({ w: { type: 'int' } }, 'unit u')).toThrow(invalid('params schema of unit u:'));
    expect(() => paramsJsonSchema({ w: { type: 'number', min: 1 } }, 'unit u')).toThrow(invalid('params schema of unit u: unknown keyword: "min"'));
    expect(() => paramsJsonSchema({ w: { type: 'number', default: 'x' } }, 'unit u')).toThrow(invalid('params schema of unit u, param "w": default "x" must be a finite number'));
    expect(() => paramsJsonSchema({ w: { type: 'number' } as never, '1w': { type: 'number' } })).toThrow(invalid('names are letters'));
    expect(() => paramsJsonSchema({ w: { description: 'no type' } })).toThrow(invalid('param "w": type is required'));
    expect(() => paramsJsonSchema([])).toThrow(invalid('must be an object'));
    expect(() => readParamsJsonSchema({ ...schema, additionalProperties: true })).toThrow(invalid('additionalProperties must be false'));
    expect(() => readParamsJsonSchema({ ...schema, required: ['nope'] })).toThrow(invalid('required must list names of its properties'));
    expect(() => readParamsJsonSchema({ ...schema, $id: 'x' })).toThrow(invalid('unknown key "$id"'));
  });

  it('reads a schema back from its JSON (as the coordinator stores it) and compiles it once', () => {
    const json = JSON.stringify(schema);
    const a = readParamsJsonSchema(JSON.parse(json));
    const b = readParamsJsonSchema(JSON.parse(json));
    expect(a).toEqual(schema);
    expect(compileParams(a)).toBe(compileParams(b));
  });

  it('migrates the dialect units declared before JSON Schema (unit rows registered then)', () => {
    const legacy = readParamsJsonSchema({
      window: { type: 'integer', min: 1, max: 500, default: 20 },
      weights: { type: 'number[]', minLength: 1, maxLength: 3, min: 0 },
      fields: { type: 'string[]', default: ['close'] },
      mode: { type: 'string', enum: ['long', 'short'], required: true },
      note: { type: 'string', maxLength: 5 },
    });
    expect(legacy.required).toEqual(['mode']);
    expect(validateParams(legacy, { mode: 'long' })).toEqual({ window: 20, fields: ['close'], mode: 'long' });
    expect(() => validateParams(legacy, { mode: 'long', weights: [-1] })).toThrow(invalid('param "weights[0]" of unit must be >= 0'));
    expect(() => validateParams(legacy, { mode: 'long', weights: [] })).toThrow(invalid('must NOT have fewer than 1 items'));
    expect(() => validateParams(legacy, { mode: 'long', note: 'toolong' })).toThrow(invalid('must NOT have more than 5 characters'));
    expect(() => validateParams(legacy, {})).toThrow(invalid('param "mode" of unit is required'));
    expect(readParamsJsonSchema({})).toEqual({ type: 'object', properties: {}, required: [], additionalProperties: false });
  });

  it('parses params JSON precisely', () => {
    expect(parseJsonObject('', 'params_json')).toEqual({});
    expect(() => parseJsonObject('[1]', 'params_json')).toThrow('params_json must be a JSON object, got an array');
    expect(() => parseJsonObject('{', 'params_json')).toThrow('params_json is not valid JSON');
  });
});
