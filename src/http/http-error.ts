/**
 * The one error shape of the API (SPEC §4):
 * `{"error": {"code": "validation_failed", "message": "…", "details": [{"path", "message"}]}}`.
 * Handlers throw an HttpError; `handleErrors` turns it into the answer.
 */
export interface ErrorDetail {
  /** A JSON pointer (RFC 6901) to the offending value. */
  path: string;
  message: string;
}

/** One key as a JSON-pointer segment: `~` and `/` escaped (RFC 6901). */
export const pointerSegment = (key: string) =>
  `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;

export class HttpError extends Error {
  override name = 'HttpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const validationFailed = (details: ErrorDetail[], message = 'The request is invalid.') =>
  new HttpError(422, 'validation_failed', message, details);

export const notFound = (message = 'Not found.') => new HttpError(404, 'not_found', message);

export const unavailable = (message: string, retryAfterSeconds = 1) =>
  new HttpError(503, 'unavailable', message, [], { 'Retry-After': String(retryAfterSeconds) });
