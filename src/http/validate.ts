/**
 * One Ajv instance compiles every request schema once; its errors become the
 * `details` of a 422, one per problem, each with a JSON-pointer path.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema, Static } from '@sinclair/typebox';
import { pointerSegment, validationFailed, type ErrorDetail } from './http-error';

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }), ['iso-date-time', 'uuid']);

export function compile<T extends TSchema>(schema: T): ValidateFunction<Static<T>> {
  return ajv.compile<Static<T>>(schema);
}

/** Ajv's errors as SPEC §4 details; `if`/`anyOf` wrappers are dropped, their causes kept. */
export function toDetails(errors: ErrorObject[] | null | undefined, base = ''): ErrorDetail[] {
  return (errors ?? [])
    .filter((error) => error.keyword !== 'if')
    .map((error) => {
      switch (error.keyword) {
        case 'required':
          return {
            path: `${base}${error.instancePath}${pointerSegment(error.params.missingProperty)}`,
            message: 'is required',
          };
        case 'additionalProperties':
          return {
            path: `${base}${error.instancePath}${pointerSegment(error.params.additionalProperty)}`,
            message: 'is not an allowed field',
          };
        case 'enum':
          return {
            path: `${base}${error.instancePath}`,
            message: `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`,
          };
        default:
          return { path: `${base}${error.instancePath}`, message: error.message ?? 'is invalid' };
      }
    });
}

/** Validates `value` against a compiled schema; throws a 422 listing every problem. */
export function assertValid<T>(validate: ValidateFunction<T>, value: unknown): T {
  if (!validate(value)) throw validationFailed(toDetails(validate.errors));
  return value;
}

// Path and query parameters arrive as strings: this instance coerces "10" to 10. Ajv's
// coercion is looser than an id should be ("1e1", "0x10" and " 5" become numbers), so
// `parseParams` first requires integers written as plain decimal digits.
const coercing = addFormats(
  new Ajv({ allErrors: true, strict: false, coerceTypes: true, useDefaults: true }),
  ['uuid'],
);
const DECIMAL_INTEGER = /^[+-]?\d+$/;

/** Compiles a schema for path or query parameters (strings coerced to numbers, defaults filled). */
export function compileParams<T extends TSchema>(schema: T): ValidateFunction<Static<T>> {
  return coercing.compile<Static<T>>(schema);
}

/** Validates a copy of `params` (coercion mutates); throws a 422 listing every problem. */
export function parseParams<T>(validate: ValidateFunction<T>, params: object): T {
  const properties = (validate.schema as { properties?: Record<string, { type?: unknown }> })
    .properties;
  const copy: Record<string, unknown> = {};
  const notDecimal: ErrorDetail[] = [];
  for (const key in params) {
    const value = (params as Record<string, unknown>)[key];
    copy[key] = value;
    const integer = properties?.[key]?.type === 'integer';
    if (integer && typeof value === 'string' && !DECIMAL_INTEGER.test(value)) {
      notDecimal.push({ path: pointerSegment(key), message: 'must be an integer' });
    }
  }
  if (!validate(copy) || notDecimal.length > 0) {
    // One problem per parameter: Ajv's "must be integer" adds nothing to ours.
    const flagged = new Set(notDecimal.map((detail) => detail.path));
    const others = toDetails(validate.errors).filter((detail) => !flagged.has(detail.path));
    throw validationFailed([...notDecimal, ...others]);
  }
  return copy as T;
}
