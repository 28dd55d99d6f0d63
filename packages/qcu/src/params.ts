import type { ParamSchema, ParamsSchema, ParamValue } from '@florin/core';

/**
 * Static types for a unit's params, inferred from its declaration (a map of
 * JSON Schema property schemas, @florin/core ParamsSchema). Validation is
 * @florin/core's (ajv): the one copy the QCU and the coordinator share.
 */
type ValueOfType<P> = P extends { type: 'boolean' }
  ? boolean
  : P extends { type: 'string' }
    ? string
    : P extends { type: 'array'; items: infer I }
      ? ValueOf<I>[]
      : P extends { type: 'array' }
        ? Json[]
        : number;

type ValueOf<P> = P extends { enum: readonly (infer E)[] } ? E : P extends { const: infer C } ? C : ValueOfType<P>;

/**
 * The resolved params of a declaration S: every param is present (a param
 * with a `default` is filled in, one without is required at submit).
 */
export type ParamsOf<S extends ParamsSchema> = string extends keyof S
  ? Readonly<Record<string, ParamValue>> // a schema not known statically (any unit)
  : { readonly [K in keyof S]: S[K] extends ParamSchema ? ValueOf<S[K]> : never };

/** A JSON value, as params and results travel. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
