/**
 * PostgreSQL access: the knex configuration (shared by the app, the workers, the knex CLI
 * and the tests) and the connection with Objection bound to it.
 */
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { Model } from 'objection';
import type { Config } from './config';

interface PgConnection {
  query(sql: string): Promise<unknown>;
}

type DbConfig = Pick<Config, 'databaseUrl' | 'dbSchema' | 'dbPoolMax'>;

const root = path.join(__dirname, '..');

/**
 * `ensureSchema` (for migrations) creates the schema on each new connection, because knex
 * writes its own migration table there before the first migration runs.
 */
export function knexConfig(config: DbConfig, { ensureSchema = false } = {}): Knex.Config {
  const afterCreate = (connection: PgConnection, done: (error?: Error) => void) => {
    connection.query(`CREATE SCHEMA IF NOT EXISTS "${config.dbSchema}"`).then(() => done(), done);
  };
  return {
    client: 'pg',
    connection: {
      connectionString: config.databaseUrl,
      // A dead or unreachable database must fail a query, never hang it.
      connectionTimeoutMillis: 5_000,
      statement_timeout: 30_000,
      query_timeout: 35_000,
      application_name: 'real-time-ingestion',
    },
    searchPath: [config.dbSchema],
    pool: {
      min: 0,
      max: config.dbPoolMax,
      acquireTimeoutMillis: 10_000,
      ...(ensureSchema && { afterCreate }),
    },
    acquireConnectionTimeout: 10_000,
    migrations: {
      directory: path.join(root, 'migrations'),
      schemaName: config.dbSchema,
      tableName: 'knex_migrations',
      extension: 'ts',
      loadExtensions: ['.ts', '.js'],
    },
    seeds: {
      directory: path.join(root, 'seeds'),
      extension: 'ts',
      loadExtensions: ['.ts', '.js'],
    },
  };
}

/** Opens a knex pool for this config and binds the Objection models to it. */
export function createDb(config: DbConfig): Knex {
  const db = knex(knexConfig(config));
  Model.knex(db);
  return db;
}
