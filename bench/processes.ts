/**
 * The processes under test, each a real child process: the API (src/server.ts), worker
 * processes (jobs/worker.ts) and the bare Koa reference (bench/bare-koa.ts).
 *
 * The service runs as compiled JavaScript, as in production: `prepareLauncher('built')`
 * compiles src/ and jobs/ with tsc into node_modules/.cache/rti-bench (outside git, and
 * node_modules resolves from there), copies the non-TypeScript files beside them (the
 * .lua scripts), and transpiles the bare Koa reference there too, so that both sides run
 * the same way (tsx adds a loader thread, more RSS, and wraps functions with `__name`).
 * `--tsx` runs everything through `node --import tsx` instead.
 * Every child's stdout/stderr goes to bench/results/logs/<name>.log.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';

export const ROOT = path.join(__dirname, '..');
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const BUILD_DIR = path.join(ROOT, 'node_modules', '.cache', 'rti-bench');

export type Runtime = 'built' | 'tsx';

/** The bare Koa reference's entry point. */
export const REFERENCE_ENTRY = 'bench/bare-koa.ts';

/** How to start an entry point given by its source path (`src/server.ts`). */
export interface Launcher {
  runtime: Runtime;
  argv(entry: string): string[];
}

/** Paths, sizes and modification times of everything the build reads. */
async function sourceFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of ['src', 'jobs', 'migrations', 'seeds']) {
    const files = (await readdir(path.join(ROOT, dir), { recursive: true })).sort();
    for (const file of files) {
      const info = await stat(path.join(ROOT, dir, file));
      hash.update(`${dir}/${file} ${info.size} ${info.mtimeMs}\n`);
    }
  }
  for (const file of [
    REFERENCE_ENTRY,
    'tsconfig.json',
    'tsconfig.build.json',
    'package-lock.json',
  ]) {
    hash.update(`${file} ${(await stat(path.join(ROOT, file))).mtimeMs}\n`);
  }
  return hash.digest('hex');
}

export async function prepareLauncher(runtime: Runtime): Promise<Launcher> {
  if (runtime === 'tsx') return { runtime, argv: (entry) => ['--import', 'tsx', entry] };
  const launcher: Launcher = {
    runtime,
    argv: (entry) => [path.join(BUILD_DIR, entry.replace(/\.ts$/, '.js'))],
  };
  // Compiled once per version of the sources: a rerun skips tsc.
  const fingerprint = await sourceFingerprint();
  const stampFile = path.join(BUILD_DIR, '.fingerprint');
  if ((await readFile(stampFile, 'utf8').catch(() => '')) === fingerprint) return launcher;
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  // Incremental: after a change, only what it touches is compiled again.
  const args = [
    ...[tsc, '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR, '--sourceMap', 'false'],
    ...['--incremental', '--tsBuildInfoFile', `${BUILD_DIR}.tsbuildinfo`],
  ];
  // Type errors from work in progress elsewhere do not stop tsc from emitting: warn and go on.
  await promisify(execFile)(process.execPath, args, { cwd: ROOT }).catch((error: unknown) => {
    const output = String((error as { stdout?: string }).stdout ?? error).trim();
    console.warn(`tsc reported errors (running what it emitted):\n${output.slice(0, 2_000)}`);
  });
  for (const dir of ['src', 'jobs']) {
    await cp(path.join(ROOT, dir), path.join(BUILD_DIR, dir), {
      recursive: true,
      filter: (source) => !/\.tsx?$/.test(source),
    });
  }
  const reference = await readFile(path.join(ROOT, REFERENCE_ENTRY), 'utf8');
  const { outputText } = ts.transpileModule(reference, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  await mkdir(path.join(BUILD_DIR, 'bench'), { recursive: true });
  await writeFile(path.join(BUILD_DIR, REFERENCE_ENTRY.replace(/\.ts$/, '.js')), outputText);
  await writeFile(stampFile, fingerprint);
  return launcher;
}

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  exited: Promise<void>;
}

const running = new Set<Child>();

/** Starts `entry` as a child process with `env` added to the bench's environment. */
export async function startChild(
  launcher: Launcher,
  name: string,
  entry: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<Child> {
  await mkdir(path.join(RESULTS_DIR, 'logs'), { recursive: true });
  const log = createWriteStream(path.join(RESULTS_DIR, 'logs', `${name}.log`));
  await new Promise((resolve) => log.once('open', resolve));
  const child = spawn(process.execPath, [...nodeArgs, ...launcher.argv(entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle: Child = { name, process: child, pid: child.pid ?? 0, exited };
  running.add(handle);
  void exited.then(() => {
    running.delete(handle);
    log.end();
  });
  return handle;
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
export async function stopChild(child: Child, graceMs = 15_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Stops every child this process started (the bench's cleanup, also on Ctrl-C). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all(Array.from(running, (child) => stopChild(child, 5_000)));
}

export function isRunning(child: Child): boolean {
  return running.has(child);
}

/** Polls `url` until it answers 200 (the child is up), failing if the child exits first. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(child)) throw new Error(`${child.name} exited; see bench/results/logs`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms`);
}

export interface Rss {
  /** Resident set size now, MB. */
  rssMb: number;
  /** The process's peak resident set size so far (VmHWM), MB. */
  peakMb: number;
}

/** The memory of a live process, from /proc/<pid>/status. */
export async function rssOf(pid: number): Promise<Rss> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** CPU time (user + system) a live process has used so far, ms, from /proc/<pid>/stat. */
export async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000) / CLOCK_TICKS;
}

/** USER_HZ: the unit of /proc/<pid>/stat times, 100 on Linux. */
const CLOCK_TICKS = 100;

/** The CPU time `pids` use while `work` runs, ms. */
export async function measureCpu<T>(pids: number[], work: () => Promise<T>): Promise<[T, number]> {
  const total = async () => (await Promise.all(pids.map(cpuMsOf))).reduce((a, b) => a + b, 0);
  const before = await total();
  const result = await work();
  return [result, (await total()) - before];
}
