/**
 * Real faults for the fault tests, on loopback only: a private redis-server to kill and
 * restart (the machine's shared Redis is never touched), a TCP proxy to cut a process off
 * from PostgreSQL, and the spawned API and worker processes wired to a test's schema.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../../src/config';
import { waitFor } from './http';
import { envFor, spawnEntry, type Spawned } from './processes';

/**
 * The processes a test started, killed if the test process ends first: AVA ends a timed-out
 * test file with SIGTERM, and a redis-server or worker left running would outlive it.
 */
const children = new Set<ChildProcess>();
const killChildren = () => children.forEach((child) => child.kill('SIGKILL'));
process.on('exit', killChildren);
process.once('SIGTERM', () => {
  killChildren();
  process.kill(process.pid, 'SIGTERM'); // and end as the signal would have
});

/** Kills `child` with this test process if it is still running then. */
export function killOnExit<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A port free right now on 127.0.0.1 (the kernel's pick). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves true when something on `port` answers a Redis PING. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.on('connect', () => socket.write('PING\r\n'));
  });
}

export interface RedisServer {
  port: number;
  url: string;
  /** Its working directory (AOF, nodes.conf), removed by `stop`. */
  dir: string;
  /** SIGKILL: the server dies at once, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port (and, with `appendonly`, the same data). */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that stops answering without closing a connection. */
  freeze(): void;
  thaw(): void;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
}

/**
 * A redis-server of the test's own, on a free port, in a temporary directory. `args` are
 * extra server options, e.g. `['--appendonly', 'yes']` so that a kill loses no write that
 * was acknowledged (Redis writes the AOF before it replies), as production runs it.
 * `detached`: the server does not keep the test process alive (it is still killed at its
 * exit), for a server shared by a whole test file and left to the end of the process.
 */
export async function startRedisServer(
  args: string[] = [],
  { detached = false } = {},
): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'rti-redis-'));
  let child: ChildProcess | undefined;
  const options = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  const exited = (process: ChildProcess) =>
    process.exitCode !== null || process.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => process.once('exit', () => resolve()));

  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async start() {
      const started = killOnExit(
        spawn('redis-server', [...options, '--appendonly', 'no', ...args], { stdio: 'ignore' }),
      );
      child = started;
      if (detached) started.unref();
      const failed = new Promise<never>((_, reject) =>
        started.once('error', (error) =>
          reject(new Error(`cannot run redis-server (needed by this test): ${error.message}`)),
        ),
      );
      await Promise.race([
        waitFor(async () => ((await pings(port)) ? true : undefined), 10_000),
        failed,
      ]);
    },
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
      child = undefined;
    },
    async stop() {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/**
 * A TCP proxy in front of a real service. `close()` stops listening and destroys every
 * connection through it (the service looks dead: connections reset, new ones refused);
 * `open()` listens again on the same port. `delayMs` holds back each answer of the service,
 * so a job takes long enough to be caught mid-way by a kill. While `silent`, new
 * connections are accepted and never answered (a host that drops packets).
 */
export class TcpProxy {
  port = 0;
  silent = false;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly target: { host: string; port: number },
    private readonly delayMs = 0,
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private forward(client: Socket): void {
    if (this.silent) {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => client.destroy());
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream);
    if (this.delayMs === 0) {
      upstream.pipe(client);
    } else {
      // Same delay for every chunk: setTimeout keeps them in order.
      upstream.on('data', (chunk) => setTimeout(() => client.write(chunk), this.delayMs));
    }
  }
}

/** The host and port a service URL points at (the proxy's target). */
export function hostAndPort(serviceUrl: string): { host: string; port: number } {
  const url = new URL(serviceUrl);
  const defaults: Record<string, number> = {
    'postgres:': 5432,
    'postgresql:': 5432,
    'redis:': 6379,
  };
  return { host: url.hostname, port: Number(url.port) || (defaults[url.protocol] ?? 0) };
}

/** A service URL (PostgreSQL or Redis) with its host and port replaced by the proxy's. */
export function throughProxy(serviceUrl: string, proxy: TcpProxy): string {
  const url = new URL(serviceUrl);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return url.toString();
}

export const isRunning = (spawned: Spawned) =>
  spawned.child.exitCode === null && spawned.child.signalCode === null;

/** A worker process (`jobs/worker.ts`) for this config, starting up. */
export function startWorkerProcess(config: Config, env: Record<string, string> = {}): Spawned {
  const worker = spawnEntry(
    'jobs/worker.ts',
    envFor(config, {
      LOG_LEVEL: 'info',
      WORKER_METRICS_PORT: '0',
      RECENTLY_VIEWED_MAX: String(config.recentlyViewedMax),
      ...env,
    }),
  );
  killOnExit(worker.child);
  return worker;
}

/** A worker process for this config; resolves once it takes jobs. */
export async function spawnWorker(
  config: Config,
  env: Record<string, string> = {},
): Promise<Spawned> {
  const worker = startWorkerProcess(config, env);
  await worker.waitForLog((line) => line.msg === 'worker started');
  return worker;
}

/** An API process (`src/server.ts`) for this config on a free port; resolves once it listens. */
export async function spawnApi(
  config: Config,
  env: Record<string, string> = {},
): Promise<Spawned & { url: string }> {
  const port = await freePort();
  const api = spawnEntry(
    'src/server.ts',
    envFor(config, { LOG_LEVEL: 'info', PORT: String(port), ...env }),
  );
  killOnExit(api.child);
  await api.waitForLog((line) => line.msg === 'api listening');
  return Object.assign(api, { url: `http://127.0.0.1:${port}` });
}

/** Everything the process writes to stdout from now on, as text (pretty logs included). */
export function collectStdout(spawned: Spawned): () => string {
  let text = '';
  spawned.child.stdout?.on('data', (chunk: string | Buffer) => (text += chunk.toString()));
  return () => text;
}

/** The error-level log lines of spawned processes, as text for an assertion's message. */
export const errorLogs = (...processes: Spawned[]) =>
  JSON.stringify(processes.flatMap((spawned) => spawned.logs.filter((line) => line.level >= 50)));

/** Sends `signal` and resolves with how the process ended. */
export async function signal(spawned: Spawned, name: NodeJS.Signals) {
  if (isRunning(spawned)) spawned.child.kill(name);
  return spawned.exited;
}
