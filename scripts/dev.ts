/**
 * `npm run dev`: migrates to latest, then runs the API and one worker as two processes
 * (TypeScript through tsx). Ctrl-C (or SIGTERM) stops both; if one dies, the other is stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import knex from 'knex';
import { loadConfigOrExit } from '../src/config';
import { knexConfig } from '../src/db';

async function migrate(): Promise<void> {
  const db = knex(knexConfig(loadConfigOrExit(), { ensureSchema: true }));
  try {
    const [batch, applied] = await db.migrate.latest();
    console.log(
      applied.length ? `migrated (batch ${batch}): ${applied.join(', ')}` : 'schema up to date',
    );
  } finally {
    await db.destroy();
  }
}

function run(name: string, entry: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    console.log(`${name} exited (${signal ?? code})`);
    stopAll();
  });
  return child;
}

const children: ChildProcess[] = [];
let stopping = false;
function stopAll(): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

async function main(): Promise<void> {
  await migrate();
  children.push(run('api', 'src/server.ts'), run('worker', 'jobs/worker.ts'));
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  await Promise.all(children.map((child) => new Promise((resolve) => child.on('exit', resolve))));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
