/**
 * POST /api/v1/{users|games|genres|publishers} — 201 with the new item. A taken unique
 * field is a 409 (src/http/db-conflict.ts), an invalid body a 422 listing every problem.
 */
import type { TObject } from '@sinclair/typebox';
import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import type { Model } from 'objection';
import { bodyReader, fetchItem, type CatalogResource } from '../../catalog/catalog-resource';

export function createItem<B extends TObject, M extends Model & { id: number }>(
  resource: CatalogResource<B, M>,
  db: Knex,
): Middleware {
  const readBody = bodyReader(resource.body);
  return async (ctx) => {
    const body = readBody(ctx.state.body);
    const row = await resource.toRow(body, db);
    const id = await db.transaction(async (trx) => {
      const { id } = await resource.model.query(trx).insert(row);
      await resource.afterWrite?.(id, body, trx);
      return id;
    });
    ctx.status = 201;
    ctx.body = resource.toAnswer((await fetchItem(resource, db, id))!);
  };
}
