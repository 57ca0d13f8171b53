/** GET /api/v1/admin/erasures/{erasure_id}: an erasure's audit row: status and counts. */
import { Type } from '@sinclair/typebox';
import type { Middleware } from 'koa';
import type { Knex } from 'knex';
import { erasureAnswer, findErasure } from '../erasure/request-erasure';
import { compileParams, parseParams } from '../http/validate';

export const ErasureParams = Type.Object({ erasure_id: Type.String({ format: 'uuid' }) });
const checkParams = compileParams(ErasureParams);

export function getErasure({ db }: { db: Knex }): Middleware {
  return async (ctx) => {
    const { erasure_id: id } = parseParams(checkParams, ctx.params);
    ctx.body = erasureAnswer(await findErasure({ db }, id.toLowerCase()));
  };
}
