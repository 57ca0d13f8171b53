/**
 * Entry points run as real OS processes (`node --import tsx <entry>`), for the tests that
 * need a process to receive a signal or to exit: their JSON log lines are collected so a
 * test can wait for one ("api listening", "worker stopping"…) instead of sleeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../../src/config';

const ROOT = path.join(__dirname, '..', '..');

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface Spawned {
  child: ChildProcess;
  logs: LogLine[];
  stderr(): string;
  /** Resolves with the first log line matching `predicate` (rejects if the process exits first). */
  waitForLog(predicate: (line: LogLine) => boolean): Promise<LogLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment a spawned entry point needs to use this test file's schema and prefix. */
export function envFor(config: Config, env: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: config.databaseUrl,
    DB_SCHEMA: config.dbSchema,
    REDIS_URL: config.redisUrl,
    REDIS_CLUSTER_NODES: config.redisClusterNodes
      .map(({ host, port }) => `${host}:${port}`)
      .join(','),
    QUEUE_PREFIX: config.queuePrefix,
    DB_POOL_MAX: '4',
    ...env,
  };
}

export function spawnEntry(entry: string, env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env,
    stdio: 'pipe',
  });
  const logs: LogLine[] = [];
  const waiters: Array<{
    predicate: (line: LogLine) => boolean;
    resolve: (line: LogLine) => void;
  }> = [];
  let errText = '';
  let pending = '';

  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const text of lines) {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        continue;
      }
      logs.push(line);
      for (const waiter of waiters.filter((w) => w.predicate(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errText += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );

  return {
    child,
    logs,
    stderr: () => errText,
    exited,
    waitForLog(predicate) {
      const seen = logs.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise<LogLine>((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exited.then(({ code, signal }) =>
          reject(
            new Error(
              `${entry} exited (${signal ?? code}) first; stderr: ${errText.slice(0, 2000)}`,
            ),
          ),
        );
      });
    },
  };
}

/** Sends SIGKILL if the process is still running: a failed test must not leave it behind. */
export function killIfRunning(spawned: Spawned | undefined): void {
  if (spawned && spawned.child.exitCode === null && spawned.child.signalCode === null)
    spawned.child.kill('SIGKILL');
}
