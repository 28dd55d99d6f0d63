import type { ParamSpec, ParamsSchema } from '@florin/core';

/**
 * Static types for a unit's params. The schema itself and its validation are
 * @florin/core's ParamsSchema / validateParamsSchema / validateParams: the one
 * copy the QCU (declares it), the coordinator (checks job params at submit)
 * and the SDK share.
 */
type ValueOfType<T> = T extends 'boolean'
  ? boolean
  : T extends 'string'
    ? string
    : T extends 'string[]'
      ? string[]
      : T extends 'number[]'
        ? number[]
        : number;

type ValueOf<P extends ParamSpec> = P extends { enum: readonly (infer E)[] } ? E : ValueOfType<P['type']>;

type HasValue<P extends ParamSpec> = P extends { required: true } ? true : P extends { default: unknown } ? true : false;

/** The resolved params of schema S: required and defaulted params are present, others may be undefined. */
export type ParamsOf<S extends ParamsSchema> = {
  readonly [K in keyof S as HasValue<S[K]> extends true ? K : never]: ValueOf<S[K]>;
} & {
  readonly [K in keyof S as HasValue<S[K]> extends true ? never : K]?: ValueOf<S[K]>;
};

/** A JSON value, as params and results travel. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
