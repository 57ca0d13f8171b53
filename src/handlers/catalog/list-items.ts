/** GET /api/v1/{users|games|genres|publishers}?skip=0&limit=100 — one page, ordered by id. */
import type { TObject } from '@sinclair/typebox';
import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import type { Model } from 'objection';
import { ListQuery, queryItems, type CatalogResource } from '../../catalog/catalog-resource';
import { compileParams, parseParams } from '../../http/validate';

const checkQuery = compileParams(ListQuery);

export function listItems<B extends TObject, M extends Model & { id: number }>(
  resource: CatalogResource<B, M>,
  db: Knex,
): Middleware {
  return async (ctx) => {
    const { skip, limit } = parseParams(checkQuery, ctx.query);
    const [rows, total] = await Promise.all([
      queryItems(resource, db).orderBy('id').offset(skip).limit(limit),
      resource.model.query(db).resultSize(),
    ]);
    ctx.body = { items: rows.map(resource.toAnswer), skip, limit, total };
  };
}
