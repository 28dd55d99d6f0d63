import { describe, expect, it } from 'vitest';
import { FlorinError } from '@florin/core';
import { readParamsJsonSchema } from '@florin/core';
import { defineUnit, isUnit, unitDescriptor, validateParams } from '@florin/qcu';
import { momentumUnit } from '@florin/examples';

const base = {
  name: 'demo',
  version: '1.0.0',
  params: { n: { type: 'integer', default: 3 } },
  output: { dataset: 'demo_out', fields: ['value'], frequency: '1d' },
  run: () => undefined,
} as const;

describe('defineUnit', () => {
  it('makes a frozen unit that isUnit recognises, with a JSON descriptor', () => {
    const unit = defineUnit(base);
    expect(isUnit(unit)).toBe(true);
    expect(isUnit({ ...base })).toBe(false);
    expect(Object.isFrozen(unit)).toBe(true);
    const descriptor = unitDescriptor(unit);
    expect(JSON.parse(JSON.stringify(descriptor))).toEqual({
      name: 'demo',
      version: '1.0.0',
      description: '',
      params: { type: 'object', properties: { n: { type: 'integer', default: 3 } }, required: [], additionalProperties: false },
      output: { dataset: 'demo_out', fields: ['value'], frequency: '1d' },
      hasFinal: false,
    });
    expect(unitDescriptor(momentumUnit).hasFinal).toBe(true);
  });

  it('lets the coordinator validate params from the descriptor alone', () => {
    const wire = JSON.parse(JSON.stringify(unitDescriptor(momentumUnit))) as { params: unknown };
    expect(validateParams(readParamsJsonSchema(wire.params), { lookback: 100 })).toEqual({ lookback: 100, skip: 21, field: 'close', quantile: 0.1 });
    expect(() => validateParams(readParamsJsonSchema(wire.params), { lookbak: 100 })).toThrow(/unknown param "lookbak"/);
  });

  it.each([
    [{ name: 'Bad Name' }, /unit name "Bad Name" is malformed/],
    [{ version: '' }, /unit demo: version "" is malformed/],
    [{ params: { n: { type: 'nope' } } }, /params schema of unit demo: .*type/],
    [{ params: { n: { type: 'integer', min: 2 } } }, /params schema of unit demo: unknown keyword: "min"/],
    [{ params: { n: { type: 'integer', maximum: 5, default: 9 } } }, /params schema of unit demo, param "n": default 9 must be <= 5/],
    [{ params: { n: {} } }, /params schema of unit demo, param "n": type is required/],
    [{ output: { dataset: 'Bad', fields: ['v'], frequency: '1d' } }, /unit demo: malformed dataset name "Bad"/],
    [{ output: { dataset: 'ok', fields: [], frequency: '1d' } }, /output.fields must be a non-empty array/],
    [{ output: { dataset: 'ok', fields: ['ts'], frequency: '1d' } }, /malformed field name "ts"/],
    [{ output: { dataset: 'ok', fields: ['v'], frequency: 'daily' } }, /malformed frequency "daily"/],
    [{ run: 3 }, /unit demo: run\(ctx, task\) must be a function/],
    [{ final: 'x' }, /final\(ctx, job\) must be a function/],
  ])('rejects %j', (override, message) => {
    let error: unknown;
    try {
      defineUnit({ ...base, ...override } as never);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FlorinError);
    expect((error as FlorinError).code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toMatch(message);
  });
});
