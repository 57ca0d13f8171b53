/**
 * maintain-history — the history's upkeep (docs/data-lifecycle.md), run by every worker
 * process at start and by a daily job scheduler.
 *
 * Input:  none.
 * Writes: the monthly partitions of web_events for the current month and the coming ones
 *         (and for any month the default partition holds rows of, moving those rows);
 *         then, with RETENTION_MONTHS set, drops the partitions older than the window.
 * Fails:  database unreachable → throws, BullMQ retries. Every step is idempotent and
 *         serialized per schema, so concurrent or repeated runs are harmless.
 */
import type { Knex } from 'knex';
import { expirePartitions } from '../src/history/expire-partitions';
import { ensurePartitions } from '../src/history/month-partitions';
import type { Logger } from '../src/logger';
import type { WorkerMetrics } from '../src/worker-metrics';

export function createHistoryMaintainer(
  db: () => Knex,
  { retentionMonths }: { retentionMonths: number | undefined },
  logger: Logger,
  metrics: WorkerMetrics,
) {
  return async function maintainHistory(): Promise<{ created: number; dropped: number }> {
    const created = await ensurePartitions(db());
    for (const { name, moved } of created) {
      logger.info({ partition: name, movedFromDefault: moved }, 'history partition created');
    }
    metrics.partitionsCreated.inc(created.length);
    let dropped = 0;
    if (retentionMonths !== undefined) {
      await expirePartitions(db(), retentionMonths, {
        logger,
        onDropped: (rows) => {
          dropped += 1;
          metrics.partitionsDropped.inc();
          metrics.rowsExpired.inc(rows);
        },
      });
    }
    return { created: created.length, dropped };
  };
}
