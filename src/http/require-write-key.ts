/**
 * Write keys (SPEC §6): when INGEST_KEYS is set, ingestion needs one of them as
 * `Authorization: Bearer KEY` or `X-Write-Key: KEY`. Keys are compared as SHA-256 digests
 * in constant time, so neither their content nor their length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { HttpError } from './http-error';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function requireWriteKey(keys: readonly string[]): Middleware {
  const digests = keys.map(digest);
  return async (ctx, next) => {
    if (digests.length > 0) {
      const bearer = /^Bearer\s+(.+)$/i.exec(ctx.get('Authorization'))?.[1];
      const presented = bearer ?? ctx.get('X-Write-Key');
      const candidate = digest(presented);
      const known = digests.some((key) => timingSafeEqual(key, candidate));
      if (!presented || !known) {
        throw new HttpError(
          401,
          'unauthorized',
          'A valid write key is required (Authorization: Bearer KEY or X-Write-Key).',
        );
      }
    }
    await next();
  };
}
