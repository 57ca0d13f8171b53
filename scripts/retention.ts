/**
 * `npm run retention [-- --apply]`: the history's retention by hand (docs/data-lifecycle.md).
 * Lists the monthly partitions of web_events older than RETENTION_MONTHS allows and their
 * rows; changes nothing unless `--apply` is given, then drops them (as the workers' daily
 * maintenance does). Uses DATABASE_URL / DB_SCHEMA like the service.
 */
import { loadConfigOrExit } from '../src/config';
import { createDb } from '../src/db';
import { expirePartitions, planRetention } from '../src/history/expire-partitions';
import { createLogger } from '../src/logger';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config, 'retention');
  const apply = process.argv.includes('--apply');
  if (config.retentionMonths === undefined) {
    logger.info('RETENTION_MONTHS is not set: the whole history is kept, nothing to drop');
    return;
  }
  const db = createDb(config);
  try {
    const months = config.retentionMonths;
    const plan = apply
      ? await expirePartitions(db, months, { logger })
      : await planRetention(db, months);
    logger.info(
      {
        apply,
        retentionMonths: months,
        keepFrom: plan.keepFrom.toISOString(),
        partitions: plan.expired,
        defaultRowsBefore: plan.defaultRowsBefore,
      },
      apply
        ? `retention applied: ${plan.expired.length} partitions dropped`
        : `dry run: ${plan.expired.length} partitions would be dropped (run with --apply to drop them)`,
    );
  } finally {
    await db.destroy();
  }
}

void main().catch((error: Error) => {
  process.stderr.write(`retention failed: ${error.message}\n`);
  process.exit(1);
});
