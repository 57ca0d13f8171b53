/**
 * The API's side of an erasure (docs/data-lifecycle.md): POST records it and queues its
 * job; GET reads its audit row. The order of POST's steps is what makes the cut-off
 * exact: the user's erasure mark is set in Redis first, so every recency job that starts
 * from then on holds the user's events back; the cut-off `requested_at` is taken after
 * that, so an event a recency job may already have folded was received before it, and is
 * one of the erased ones. The job (jobs/erase-user.ts) does the rest.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { RedisClient } from '../redis';
import type { Knex } from 'knex';
import { notFound } from '../http/http-error';
import { isoTime } from '../iso-time';
import { MAINTENANCE_JOBS } from '../queue-names';
import { JOB_OPTIONS } from '../queues';
import type { RedisKeys } from '../redis-keys';
import { markErasing, releaseErasing } from './erasure-marks';

export interface ErasureDeps {
  db: Knex;
  redis: RedisClient;
  keys: RedisKeys;
  maintenance: Queue;
}

export interface ErasureRow {
  id: string;
  user_id: number;
  requested_by: string;
  requested_at: Date;
  finished_at: Date | null;
  status: 'queued' | 'running' | 'done';
  rows_removed: number;
  keys_removed: number;
  queued_events_removed: number;
}

/** The audit row as the API answers it. */
export const erasureAnswer = (row: ErasureRow) => ({
  erasure_id: row.id,
  user_id: row.user_id,
  status: row.status,
  requested_by: row.requested_by,
  requested_at: isoTime(row.requested_at.getTime()),
  finished_at: row.finished_at ? isoTime(row.finished_at.getTime()) : null,
  rows_removed: row.rows_removed,
  keys_removed: row.keys_removed,
  queued_events_removed: row.queued_events_removed,
});

/** Known: in the catalog, in the history, or with a recently-viewed list. */
async function isKnownUser({ db, redis, keys }: ErasureDeps, userId: number): Promise<boolean> {
  const { rows } = await db.raw<{ rows: Array<{ known: boolean }> }>(
    `SELECT EXISTS (SELECT 1 FROM users WHERE id = :userId)
         OR EXISTS (SELECT 1 FROM web_events WHERE user_id = :userId) AS known`,
    { userId },
  );
  return rows[0]!.known || (await redis.exists(keys.recentlyViewed(userId))) === 1;
}

export async function requestErasure(
  deps: ErasureDeps,
  userId: number,
  requestedBy: string,
): Promise<ErasureRow> {
  if (!(await isKnownUser(deps, userId))) {
    throw notFound(
      `No user ${userId} is known: not in the catalog, the history or the recently-viewed lists.`,
    );
  }
  const id = randomUUID();
  await markErasing(deps.redis, deps.keys, userId, id);
  try {
    const [row] = await deps
      .db('erasures')
      .insert({ id, user_id: userId, requested_by: requestedBy, requested_at: new Date() }, '*');
    await deps.maintenance.add(
      MAINTENANCE_JOBS.erasure,
      { erasure_id: id },
      // Kept when done, for the dashboard: the payload is an id, not the data.
      { ...JOB_OPTIONS, jobId: id, removeOnComplete: { count: 1000 } },
    );
    return row as ErasureRow;
  } catch (error) {
    // Nothing queued: the mark must not hold the user's events back for ever.
    await releaseErasing(deps.redis, deps.keys, userId, id).catch(() => undefined);
    await deps
      .db('erasures')
      .where({ id })
      .delete()
      .catch(() => undefined);
    throw error;
  }
}

export async function findErasure({ db }: Pick<ErasureDeps, 'db'>, id: string) {
  const row = (await db('erasures').where({ id }).first()) as ErasureRow | undefined;
  if (!row) throw notFound(`No erasure ${id} is known.`);
  return row;
}
