/**
 * A write the database refused because of another row, as the 409 of SPEC §4.4: a unique
 * field already taken (username, email, a genre's or publisher's name, a serial number),
 * or a row still referenced (a publisher's games, a genre's games, a user's orders).
 * Objection wraps the driver's error in these db-errors classes.
 */
import { ForeignKeyViolationError, UniqueViolationError } from 'objection';
import { HttpError, pointerSegment } from './http-error';

const STILL_REFERENCED = /is still referenced from table "([^"]+)"/;

/** The 409 for a unique or foreign-key violation; undefined for any other error. */
export function toConflict(error: unknown): HttpError | undefined {
  if (error instanceof UniqueViolationError) {
    const columns = error.columns ?? [];
    return new HttpError(
      409,
      'conflict',
      `This ${columns.join(' and ') || 'value'} is already taken.`,
      columns.map((column) => ({ path: pointerSegment(column), message: 'is already taken' })),
    );
  }
  if (error instanceof ForeignKeyViolationError) {
    const detail = String((error.nativeError as { detail?: unknown }).detail ?? '');
    const referencedFrom = STILL_REFERENCED.exec(detail)?.[1];
    return new HttpError(
      409,
      'conflict',
      referencedFrom
        ? `It is still referenced from ${referencedFrom}; delete or change those rows first.`
        : 'It refers to a row that no longer exists.',
    );
  }
  return undefined;
}
