/** GET /api/v1/customer/insights?user_id=N (SPEC §4.3): from the history in PostgreSQL. */
import type { Middleware } from 'koa';
import type { Knex } from 'knex';
import { Type } from '@sinclair/typebox';
import { compileParams, parseParams } from '../http/validate';
import { PositiveId } from '../ingest/event-schema';
import { customerInsights } from '../insights/customer-insights';

export const CustomerInsightsQuery = Type.Object({
  user_id: {
    ...PositiveId,
    description: 'Any user id with events: the catalog need not know it.',
    examples: [1],
  },
});

const checkQuery = compileParams(CustomerInsightsQuery);

export function getCustomerInsights({ db }: { db: Knex }): Middleware {
  return async (ctx) => {
    const { user_id: userId } = parseParams(checkQuery, ctx.query);
    ctx.body = await customerInsights(db, userId);
  };
}
