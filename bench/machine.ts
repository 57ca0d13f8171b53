/** What the numbers were measured on: printed with the table and kept in the JSON. */
import os from 'node:os';
import type { BenchEnvironment } from './environment';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  postgres: string;
  redis: string;
  /** 1-minute load average when the bench started: other work on the machine skews results. */
  loadAverage: number;
}

export async function describeMachine(env: BenchEnvironment): Promise<Machine> {
  const pg = await env.db.raw<{ rows: Array<{ server_version: string }> }>('SHOW server_version');
  const info = await env.redis.info('server');
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: pg.rows[0]?.server_version.split(' ')[0] ?? 'unknown',
    redis: /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown',
    loadAverage: os.loadavg()[0]!,
  };
}

export const describeLine = (m: Machine) =>
  `${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis}, load average ${m.loadAverage.toFixed(2)} at start`;
