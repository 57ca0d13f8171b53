/**
 * Test isolation: each test file gets its own PostgreSQL schema and its own queue prefix
 * (unique names, never shared state), and removes only what it created.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { loadConfig, type Config } from '../../src/config';
import { createDb, knexConfig } from '../../src/db';

/** A unique, valid identifier for a schema or a queue prefix. */
export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

/** A config for one test file: the machine's services, its own schema and queue prefix. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    DB_SCHEMA: uniqueName('t'),
    QUEUE_PREFIX: uniqueName('test'),
    DB_POOL_MAX: '4',
    ...env,
  });
}

/** Creates the config's schema, migrates it to latest and binds the models to it. */
export async function migrateTestSchema(config: Config, { seed = false } = {}): Promise<Knex> {
  const migrator = createDb(config);
  const ensure = knexConfig(config, { ensureSchema: true });
  const bootstrap = (await import('knex')).default(ensure);
  try {
    await bootstrap.migrate.latest();
    if (seed) await bootstrap.seed.run();
  } finally {
    await bootstrap.destroy();
  }
  return migrator;
}

/** Drops the schema this test file created and closes its pool. */
export async function dropTestSchema(db: Knex, config: Config): Promise<void> {
  await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [config.dbSchema]);
  await db.destroy();
}
