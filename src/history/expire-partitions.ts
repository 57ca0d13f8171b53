/**
 * Retention of the history (RETENTION_MONTHS, docs/data-lifecycle.md): the current month
 * and the RETENTION_MONTHS months before it are kept; a monthly partition of an earlier
 * month is dropped whole, with its event ids in web_event_ids. A month is never cut in
 * part, and the default partition is never dropped (its rows of expired months are
 * reported; partition maintenance moves them into monthly partitions, which a later run
 * then drops).
 */
import type { Knex } from 'knex';
import type { Logger } from '../logger';
import {
  DEFAULT_PARTITION,
  listPartitions,
  lockPartitions,
  monthStart,
  partitionMonth,
} from './month-partitions';

export interface RetentionPlan {
  /** Events occurring before this instant are outside the window. */
  keepFrom: Date;
  /** Whole monthly partitions before `keepFrom`, oldest first, with their rows. */
  expired: Array<{ name: string; rows: number }>;
  /** Rows of the default partition before `keepFrom` (kept: never a partial drop). */
  defaultRowsBefore: number;
}

/** The first instant kept with a window of `months` months before the current one. */
export const keepFrom = (months: number, now: Date) => monthStart(now, -months);

const countRows = async (db: Knex | Knex.Transaction, table: string, before?: Date) => {
  const { rows } = await db.raw<{ rows: Array<{ n: number }> }>(
    `SELECT count(*)::int AS n FROM ?? ${before ? 'WHERE occurred_at < ?' : ''}`,
    before ? [table, before.toISOString()] : [table],
  );
  return rows[0]!.n;
};

/** What a retention run would drop now; changes nothing. */
export async function planRetention(db: Knex, months: number, now = new Date()) {
  const from = keepFrom(months, now);
  const partitions = await listPartitions(db);
  const expired = [];
  for (const name of partitions) {
    const month = partitionMonth(name);
    if (month && monthStart(month, 1) <= from) {
      expired.push({ name, rows: await countRows(db, name) });
    }
  }
  const defaultRowsBefore = partitions.includes(DEFAULT_PARTITION)
    ? await countRows(db, DEFAULT_PARTITION, from)
    : 0;
  return { keepFrom: from, expired, defaultRowsBefore } satisfies RetentionPlan;
}

/**
 * Drops one expired monthly partition and the ids of its events, in one transaction;
 * resolves to the rows it removed (0 and nothing done when it is gone already).
 */
export async function dropPartition(db: Knex, name: string): Promise<number | undefined> {
  if (!partitionMonth(name)) throw new Error(`${name} is not a monthly partition`);
  return db.transaction(async (trx) => {
    await lockPartitions(trx);
    if (!(await listPartitions(trx)).includes(name)) return undefined;
    const rows = await countRows(trx, name);
    await trx.raw(`DELETE FROM web_event_ids i USING ?? p WHERE i.event_id = p.event_id`, [name]);
    await trx.raw(`DROP TABLE ??`, [name]);
    return rows;
  });
}

export interface RetentionRun {
  logger: Pick<Logger, 'info' | 'warn'>;
  now?: Date;
  /** Called after each drop with the rows it removed (the worker's metrics). */
  onDropped?: (rows: number) => void;
}

/** Drops every expired partition, logging each drop; resolves to the plan it carried out. */
export async function expirePartitions(
  db: Knex,
  months: number,
  { logger, now = new Date(), onDropped }: RetentionRun,
): Promise<RetentionPlan> {
  const plan = await planRetention(db, months, now);
  for (const { name } of plan.expired) {
    const rows = await dropPartition(db, name);
    if (rows === undefined) continue; // another worker dropped it first
    logger.info({ partition: name, rows, retentionMonths: months }, 'history partition dropped');
    onDropped?.(rows);
  }
  if (plan.defaultRowsBefore > 0) {
    logger.warn(
      { partition: DEFAULT_PARTITION, rows: plan.defaultRowsBefore },
      'default partition holds expired rows: kept until partition maintenance moves them out',
    );
  }
  return plan;
}
