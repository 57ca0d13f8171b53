/**
 * JSON-schema fragments for the column kinds several models share, and the TypeScript types
 * of the columns that pg does not read back as they were written.
 */
import type { JSONSchema } from 'objection';

/**
 * A NUMERIC(10,2) amount: written as a number or a decimal string, read back as a string
 * (pg keeps NUMERIC exact rather than round it through a float).
 */
export type Decimal = number | string;

/** A DATE: written as `YYYY-MM-DD`, read back by pg as a Date at local midnight. */
export type CalendarDate = string | Date;

const amountOrNull = (nullable: boolean): JSONSchema => ({
  anyOf: [
    { type: 'number', minimum: 0, maximum: 99_999_999.99 },
    { type: 'string', pattern: '^\\d{1,8}(\\.\\d{1,2})?$' },
    ...(nullable ? [{ type: 'null' }] : []),
  ],
});

/** A non-negative NUMERIC(10,2), as the CHECK constraints require. */
export const amount = amountOrNull(false);
export const nullableAmount = amountOrNull(true);

export const nullableDate: JSONSchema = { type: ['string', 'null'], format: 'date' };

/**
 * A TIMESTAMPTZ. Left untyped on purpose: callers pass Date objects, which JSON schema cannot
 * describe, and an `object` type would make Objection serialize the value as JSON.
 */
export const instant: JSONSchema = {};

export const oneOf = (values: readonly string[]): JSONSchema => ({
  type: 'string',
  enum: [...values],
});
