import { describe, expect, it } from 'vitest';
import { parseJsonObject, validateParams, validateParamsSchema, type ParamsSchema } from '@florin/core';

const schema: ParamsSchema = validateParamsSchema({
  window: { type: 'integer', min: 1, max: 500, default: 20 },
  weights: { type: 'number[]', minLength: 1, maxLength: 3, min: 0 },
  fields: { type: 'string[]', default: ['close'] },
  mode: { type: 'string', enum: ['long', 'short'], required: true },
  adjust: { type: 'boolean', default: true },
});

describe('params schema (the unit params contract shared by coordinator, QCU and SDK)', () => {
  it('fills defaults and keeps given values', () => {
    expect(validateParams(schema, { mode: 'long', weights: [0.5, 1] })).toEqual({ window: 20, weights: [0.5, 1], fields: ['close'], mode: 'long', adjust: true });
    expect(validateParams(schema, { mode: 'short', window: 5, adjust: false, fields: ['open', 'close'] })).toEqual({ window: 5, fields: ['open', 'close'], mode: 'short', adjust: false });
  });

  it('rejects bad values with INVALID_ARGUMENT naming the param', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{}, 'param "mode" of unit is required'],
      [{ mode: 'long', weights: [] }, 'at least 1 items'],
      [{ mode: 'long', weights: [1, 2, 3, 4] }, 'at most 3 items'],
      [{ mode: 'long', weights: [-1] }, 'param "weights" of unit[0] must be >= 0'],
      [{ mode: 'long', fields: [1] }, '[0] must be a string'],
      [{ mode: 'long', adjust: 'yes' }, 'must be a boolean'],
      [{ mode: 'long', window: Number.NaN }, 'must be a finite number'],
      [{ mode: 'long', extra: 1 }, 'unknown param "extra" for unit; it takes window, weights, fields, mode, adjust'],
    ];
    for (const [params, message] of bad) {
      expect(() => validateParams(schema, params), JSON.stringify(params)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(message) }));
    }
    expect(() => validateParams({}, { x: 1 })).toThrow('it takes no params');
  });

  it('rejects malformed schemas and JSON precisely', () => {
    expect(() => validateParamsSchema({ w: { type: 'int' } })).toThrow('type must be one of number, integer, string, boolean, string[], number[]');
    expect(() => validateParamsSchema({ w: { type: 'number', default: 'x' } })).toThrow('default must be a finite number');
    expect(() => validateParamsSchema({ w: { type: 'number', required: true, default: 1 } })).toThrow('a required param cannot have a default');
    expect(() => validateParamsSchema({ w: { type: 'number', step: 1 } })).toThrow('unknown key "step"');
    expect(() => validateParamsSchema({ '1w': { type: 'number' } })).toThrow('names are letters');
    expect(() => validateParamsSchema([])).toThrow('must be an object');
    expect(parseJsonObject('', 'params_json')).toEqual({});
    expect(() => parseJsonObject('[1]', 'params_json')).toThrow('params_json must be a JSON object, got an array');
    expect(() => parseJsonObject('{', 'params_json')).toThrow('params_json is not valid JSON');
  });
});
