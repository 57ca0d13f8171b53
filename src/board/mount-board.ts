/**
 * Bull Board (SPEC §4.5, §6): the persist, recency and maintenance queues at `/admin/queues`, every
 * route of it (page, static assets, JSON API) behind the admin credentials.
 *
 * The adapter's own router is wrapped, not extended: the credential check runs before
 * any of its middleware, so not even a stylesheet answers without them. Its `basePath`
 * is the public path, BASE_PATH included, because the page builds its asset and API URLs
 * from it (`<base href>`), while the mount below sees the path with BASE_PATH stripped.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { KoaAdapter } from '@bull-board/koa';
import type { Queue } from 'bullmq';
import type { Middleware } from 'koa';
import mount from 'koa-mount';
import type { Config } from '../config';
import { requireAdmin } from '../http/require-admin';
import type { MAINTENANCE_QUEUE, QueueName } from '../queue-names';

export const BOARD_PATH = '/admin/queues';

const DESCRIPTIONS: Record<QueueName | typeof MAINTENANCE_QUEUE, string> = {
  persist: 'Writes events to PostgreSQL (web_events)',
  recency: 'Folds events into Redis: recently viewed, session counters',
  maintenance: 'The history’s partitions and retention, daily; erasures of one user',
};

type BoardConfig = Pick<Config, 'adminUser' | 'adminPassword' | 'bullBoardReadOnly' | 'basePath'>;

export function mountBoard(
  config: BoardConfig,
  queues: Record<keyof typeof DESCRIPTIONS, Queue>,
): Middleware {
  const serverAdapter = new KoaAdapter();
  serverAdapter.setBasePath(`${config.basePath}${BOARD_PATH}`);
  const adapters = Object.entries(queues).map(([name, queue]) => {
    const queueAdapter = new BullMQAdapter(queue, {
      readOnlyMode: config.bullBoardReadOnly,
      description: DESCRIPTIONS[name as keyof typeof DESCRIPTIONS],
    });
    // Every job is called "events"; its size is what tells them apart in a list.
    queueAdapter.setFormatter('name', (job: { name: string; data?: { events?: unknown } }) =>
      Array.isArray(job.data?.events) ? `${job.name} ×${job.data.events.length}` : job.name,
    );
    return queueAdapter;
  });
  createBullBoard({
    queues: adapters,
    serverAdapter,
    options: { uiConfig: { boardTitle: 'real-time-ingestion', hideDocsLink: true } },
  });
  const board = serverAdapter.registerPlugin({ mount: '/' });
  const admin = requireAdmin(config);
  return mount(BOARD_PATH, (ctx, next) => admin(ctx, () => board(ctx, next)));
}
