/**
 * Admin credentials (SPEC §6): HTTP Basic against ADMIN_USER / ADMIN_PASSWORD, both
 * compared as SHA-256 digests in constant time. Without configured credentials (allowed
 * only outside production, with a loud warning at start-up) admin routes are open.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { HttpError } from './http-error';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function requireAdmin({
  adminUser,
  adminPassword,
}: {
  adminUser: string;
  adminPassword: string;
}): Middleware {
  if (!adminUser) return (_ctx, next) => next();
  const expectedUser = digest(adminUser);
  const expectedPassword = digest(adminPassword);
  return async (ctx, next) => {
    const encoded = /^Basic\s+(\S+)$/i.exec(ctx.get('Authorization'))?.[1] ?? '';
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon >= 0 ? decoded.slice(0, colon) : '';
    const password = colon >= 0 ? decoded.slice(colon + 1) : '';
    // Both comparisons always run, so timing tells nothing about which part was wrong.
    const userOk = timingSafeEqual(digest(user), expectedUser);
    const passwordOk = timingSafeEqual(digest(password), expectedPassword);
    if (!(userOk && passwordOk)) {
      throw new HttpError(401, 'unauthorized', 'Admin credentials are required.', [], {
        'WWW-Authenticate': 'Basic realm="real-time-ingestion", charset="UTF-8"',
      });
    }
    // Who did it, for the audit of admin actions (the erasures table).
    ctx.state.adminUser = user;
    await next();
  };
}
