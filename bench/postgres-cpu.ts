/**
 * The CPU time of the PostgreSQL backends serving the bench's service: every connection
 * the service's processes open names itself by the bench's queue prefix
 * (`application_name` in DATABASE_URL, bench/environment.ts), so other users of the shared
 * server are not counted. Backend processes come and go with the pools, so the reader
 * remembers each one's last reading; a backend that starts and exits between two readings
 * is missed (the pools keep their connections while busy).
 */
import type { BenchEnvironment } from './environment';
import { cpuMsOf } from './processes';

export type PostgresCpu = () => Promise<number>;

/** A reader of the CPU time, ms, the service's backends have used since it was created. */
export function postgresCpuReader(env: BenchEnvironment): PostgresCpu {
  const last = new Map<number, number>();
  const base = new Map<number, number>();
  let first = true;
  return async () => {
    const rows = (await env.db
      .select('pid')
      .from('pg_stat_activity')
      .where('application_name', env.config.queuePrefix)) as Array<{ pid: number }>;
    const readings = await Promise.all(rows.map(async ({ pid }) => [pid, await cpuMsOf(pid)]));
    for (const [pid, ms] of readings as Array<[number, number]>) {
      if (!Number.isFinite(ms)) continue;
      // A backend there at the first reading counts from it; a later one started since.
      if (!last.has(pid)) base.set(pid, first ? ms : 0);
      last.set(pid, ms);
    }
    first = false;
    let total = 0;
    for (const [pid, ms] of last) total += ms - (base.get(pid) ?? 0);
    return total;
  };
}
