/**
 * POST /api/v1/admin/erasures `{"user_id": N}` (docs/data-lifecycle.md): erases everything
 * the service holds of one user, received up to now. Answers 202 with the erasure's id
 * once it is recorded and queued; GET /api/v1/admin/erasures/{id} follows it.
 */
import { Type } from '@sinclair/typebox';
import type { Middleware } from 'koa';
import { type ErasureDeps, erasureAnswer, requestErasure } from '../erasure/request-erasure';
import { assertValid, compile } from '../http/validate';
import { PositiveId } from '../ingest/event-schema';

export const ErasureBody = Type.Object(
  { user_id: { ...PositiveId, description: 'Any user id: the catalog need not know it.' } },
  { additionalProperties: false },
);
const checkBody = compile(ErasureBody);

export function createErasure(deps: ErasureDeps): Middleware {
  return async (ctx) => {
    const { user_id: userId } = assertValid(checkBody, ctx.state.body);
    const requestedBy = (ctx.state.adminUser as string | undefined) || 'anonymous';
    const row = await requestErasure(deps, userId, requestedBy);
    ctx.status = 202;
    ctx.set('Location', `${ctx.path}/${row.id}`);
    ctx.body = erasureAnswer(row);
  };
}
