import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Redis and PostgreSQL servers of one's own, started as child processes, for fault drills that
 * stop and restart them: the shared servers other tests run against are never touched.
 */
export interface OwnServer {
  url: string;
  port: number;
  /** stops the server (gracefully), waits `downMs`, starts it again on the same port and data */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface OwnRedis extends OwnServer {
  /** as restart, but the server comes back without its data, as one without persistence does */
  restartEmpty(downMs?: number): Promise<void>;
}

/** A port nothing listens on now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > end) throw new Error(`${what} did not open port ${port} in ${timeoutMs} ms`);
    await sleep(50);
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * redis-server on a free port. The append-only file is on (in a temp folder), as BullMQ asks of
 * a production Redis: a restart then keeps the queues, and what is tested is the service losing
 * and regaining its connections. restartEmpty is the other case, a Redis without persistence.
 */
export async function startOwnRedis(): Promise<OwnRedis> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];
  let child: ChildProcess | undefined;
  const start = async () => {
    const c = spawn('redis-server', args, { stdio: 'ignore' });
    child = c;
    c.once('error', () => undefined);
    await waitForPort(port, 10_000, 'redis-server');
  };
  const halt = async () => {
    if (!child) return;
    const c = child;
    child = undefined;
    c.kill('SIGTERM');
    await exited(c);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    restart: async (downMs = 0) => {
      await halt();
      await sleep(downMs);
      await start();
    },
    restartEmpty: async (downMs = 0) => {
      await halt();
      for (const entry of await readdir(dir)) await rm(path.join(dir, entry), { recursive: true, force: true });
      await sleep(downMs);
      await start();
    },
    stop: async () => {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The PostgreSQL binaries of the newest installed major version (Debian's layout). */
async function postgresBin(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const versions = (await readdir(root).catch(() => [] as string[])).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return path.join(root, versions[0], 'bin');
}

/**
 * A PostgreSQL cluster of one's own: initdb into a temp folder, pg_ctl start/stop on a free port,
 * trust auth for the local user `root`, database `test`. initdb refuses to run as root, so as
 * root the cluster belongs to the `postgres` system user.
 */
export async function startOwnPostgres(): Promise<OwnServer> {
  const bin = await postgresBin();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root and there is no `postgres` user to own the cluster');
    await chown(dir, uid, gid);
  }
  const run = async (tool: string, args: string[]) => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
    try {
      await promisify(execFile)(cmd, argv, { encoding: 'utf8' });
    } catch (err) {
      const e = err as { code?: number; stderr?: string; stdout?: string };
      throw new Error(`${tool} ${args.join(' ')} failed (${e.code}): ${e.stderr || e.stdout}`, { cause: err });
    }
  };
  const data = path.join(dir, 'data');
  const port = await freePort();
  const user = 'root';
  await run('initdb', ['-D', data, '-A', 'trust', '-U', user, '--no-sync', '-E', 'UTF8']);
  // fsync off: the drills restart the server cleanly, they do not pull its power
  const start = () => run('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  const halt = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  await start();
  await run('createdb', ['-h', dir, '-p', String(port), '-U', user, 'test']);
  return {
    url: `postgres://${user}@127.0.0.1:${port}/test`,
    port,
    restart: async (downMs = 0) => {
      await halt();
      await sleep(downMs);
      await start();
    },
    stop: async () => {
      // already stopped is fine
      await halt().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
