/**
 * The monthly partitions of `web_events` (docs/data-lifecycle.md): one partition per UTC
 * month of `occurred_at`, named `web_events_pYYYY_MM`, and a DEFAULT partition for an
 * event of a month that has none yet, so that no event is ever rejected for its date.
 *
 * Creating a month's partition is idempotent and serialized per schema (an advisory
 * lock), so every worker may run it at start and daily. When the default partition
 * already holds rows of that month (PostgreSQL would refuse the new partition), they are
 * moved into it in the same transaction.
 */
import type { Knex } from 'knex';

export const HISTORY_TABLE = 'web_events';
export const DEFAULT_PARTITION = `${HISTORY_TABLE}_default`;
/** Partitions exist ahead for the current month and this many coming ones. */
export const MONTHS_AHEAD = 3;

const NAME = /^web_events_p(\d{4})_(\d{2})$/;

/** The first instant (UTC) of the month `offset` months after the month of `date`. */
export function monthStart(date: Date, offset = 0): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
}

export const partitionName = (start: Date) =>
  `${HISTORY_TABLE}_p${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, '0')}`;

/** The month a partition name covers, or undefined for the default partition. */
export function partitionMonth(name: string): Date | undefined {
  const match = NAME.exec(name);
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)) : undefined;
}

/** Every partition of web_events in the current schema, by name. */
export async function listPartitions(db: Knex | Knex.Transaction): Promise<string[]> {
  const { rows } = await db.raw<{ rows: Array<{ name: string }> }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = to_regclass(?) ORDER BY c.relname`,
    [HISTORY_TABLE],
  );
  return rows.map((row) => row.name);
}

/** Serializes partition changes of this schema's web_events until the transaction ends. */
export async function lockPartitions(trx: Knex.Transaction): Promise<void> {
  await trx.raw(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.' || ?))`, [
    HISTORY_TABLE,
  ]);
}

// Partition bounds are DDL, which takes no bound parameters: they are written from Dates
// this module computed, never from input.
const bounds = (start: Date) =>
  `FROM ('${start.toISOString()}') TO ('${monthStart(start, 1).toISOString()}')`;

export interface CreatedPartition {
  name: string;
  /** Rows moved out of the default partition into it. */
  moved: number;
}

/** Creates the partition of the month starting at `start` unless it exists. */
export async function createMonthPartition(
  db: Knex,
  start: Date,
): Promise<CreatedPartition | undefined> {
  const name = partitionName(start);
  return db.transaction(async (trx) => {
    await lockPartitions(trx);
    const existing = await listPartitions(trx);
    if (existing.includes(name)) return undefined;
    const range = [start.toISOString(), monthStart(start, 1).toISOString()];
    const inDefault = existing.includes(DEFAULT_PARTITION)
      ? await trx.raw<{ rows: Array<{ n: number }> }>(
          `SELECT count(*)::int AS n FROM ?? WHERE occurred_at >= ? AND occurred_at < ?`,
          [DEFAULT_PARTITION, ...range],
        )
      : { rows: [{ n: 0 }] };
    const moved = inDefault.rows[0]!.n;
    if (moved === 0) {
      await trx.raw(`CREATE TABLE ?? PARTITION OF ?? FOR VALUES ${bounds(start)}`, [
        name,
        HISTORY_TABLE,
      ]);
      return { name, moved };
    }
    await trx.raw(`CREATE TABLE ?? (LIKE ?? INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`, [
      name,
      HISTORY_TABLE,
    ]);
    await trx.raw(
      `WITH moved AS (DELETE FROM ?? WHERE occurred_at >= ? AND occurred_at < ? RETURNING *)
       INSERT INTO ?? SELECT * FROM moved`,
      [DEFAULT_PARTITION, ...range, name],
    );
    await trx.raw(`ALTER TABLE ?? ATTACH PARTITION ?? FOR VALUES ${bounds(start)}`, [
      HISTORY_TABLE,
      name,
    ]);
    return { name, moved };
  });
}

/** Creates the default partition unless it exists. */
export async function createDefaultPartition(db: Knex): Promise<void> {
  await db.raw(`CREATE TABLE IF NOT EXISTS ?? PARTITION OF ?? DEFAULT`, [
    DEFAULT_PARTITION,
    HISTORY_TABLE,
  ]);
}

/** The months that have rows in the default partition. */
async function monthsInDefault(db: Knex): Promise<Date[]> {
  const { rows } = await db.raw<{ rows: Array<{ month: Date }> }>(
    `SELECT DISTINCT date_trunc('month', occurred_at, 'UTC') AS month FROM ??`,
    [DEFAULT_PARTITION],
  );
  return rows.map((row) => row.month);
}

/**
 * The partitions of the current month and the MONTHS_AHEAD coming ones, and of every month
 * the default partition holds rows of (which moves them out, so retention can later drop
 * them by whole months). Resolves to what it created.
 */
export async function ensurePartitions(db: Knex, now = new Date()): Promise<CreatedPartition[]> {
  const months = Array.from({ length: MONTHS_AHEAD + 1 }, (_, i) => monthStart(now, i));
  months.push(...(await monthsInDefault(db)));
  const created: CreatedPartition[] = [];
  for (const start of months) {
    const partition = await createMonthPartition(db, start);
    if (partition) created.push(partition);
  }
  return created;
}
