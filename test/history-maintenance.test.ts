/**
 * The workers' history maintenance (jobs/maintain-history.ts): at start, a worker process
 * creates the coming months' partitions and, with RETENTION_MONTHS, drops the expired
 * ones, counting both in its metrics; a daily job scheduler repeats it.
 */
import test from 'ava';
import { startWorkers } from '../jobs/start-workers';
import { insertEvents } from '../jobs/persist-events';
import {
  createMonthPartition,
  listPartitions,
  monthStart,
  partitionName,
} from '../src/history/month-partitions';
import { createLogger } from '../src/logger';
import { MAINTENANCE_JOBS } from '../src/queue-names';
import { queuedEventAt } from './helpers/events';
import { waitFor } from './helpers/http';
import { startPipeline } from './helpers/pipeline';

test('a worker creates the partitions ahead and drops the expired ones at start, and schedules it daily', async (t) => {
  const api = await startPipeline({ RETENTION_MONTHS: '2' }, { workers: false });
  t.teardown(() => api.stop());
  const nextMonth = partitionName(monthStart(new Date(), 1));
  await api.db.raw('DROP TABLE ??', [nextMonth]);
  const old = new Date('2020-01-01T00:00:00Z');
  await createMonthPartition(api.db, old);
  await insertEvents(api.db, [queuedEventAt('2020-01-10T00:00:00Z', { event_type: 'CLICK' })]);

  const running = startWorkers(api.config, createLogger(api.config, 'test-worker'));
  t.teardown(() => running.close());
  const partitions = await waitFor(async () => {
    const names = await listPartitions(api.db);
    return names.includes(nextMonth) && !names.includes(partitionName(old)) ? names : undefined;
  });
  t.true(partitions.includes('web_events_default'));
  t.is(Number((await api.db('web_events').count({ n: '*' }))[0]!.n), 0);
  t.is(Number((await api.db('web_event_ids').count({ n: '*' }))[0]!.n), 0);

  const value = async (name: keyof typeof running.metrics) =>
    (
      await (
        running.metrics[name] as { get(): Promise<{ values: Array<{ value: number }> }> }
      ).get()
    ).values[0]?.value ?? 0;
  await waitFor(async () => ((await value('rowsExpired')) === 1 ? true : undefined));
  t.is(await value('partitionsDropped'), 1);
  t.true((await value('partitionsCreated')) >= 1);
  const schedulers = await api.deps.maintenance.getJobSchedulers();
  t.deepEqual(
    schedulers.map((scheduler) => [scheduler.key, scheduler.every]),
    [[MAINTENANCE_JOBS.history, 24 * 60 * 60 * 1000]],
  );
});
