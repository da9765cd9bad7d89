import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig, type Config } from '../runtime/config.js';
import { openService, type Service } from './open-service.js';
import type { BatchView } from '../store/batch-store.js';
import { openPostgresStore } from '../store/postgres.js';

/** The integration services (DESIGN.md: integration tests use the real Redis and PostgreSQL). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const REPO = path.resolve(import.meta.dirname, '../..');

/**
 * One test run's private world: a fresh PostgreSQL schema, a unique BullMQ prefix, worker
 * processes. cleanup() removes all of it, whatever state the test left it in.
 */
export interface Harness {
  prefix: string;
  schema: string;
  /** DATABASE_URL that puts a worker's connections in this run's schema */
  databaseUrl: string;
  config: Config;
  service: Service;
  workers: ChildProcess[];
  startWorker(env?: Record<string, string>): Promise<ChildProcess>;
  waitForBatch(batchId: number, timeoutMs: number, until?: (b: BatchView) => boolean): Promise<BatchView>;
  cleanup(): Promise<void>;
}

/** Where a harness' queues and store live: the shared servers unless a test brings its own. */
export interface HarnessServers {
  redisUrl: string;
  databaseUrl: string;
}

export async function openHarness(
  env: Record<string, string> = {},
  servers: HarnessServers = { redisUrl: TEST_REDIS_URL, databaseUrl: TEST_DATABASE_URL },
): Promise<Harness> {
  const tag = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const prefix = `bqtest-${tag}`;
  const schema = `svc_${tag}`;
  const databaseUrl = `${servers.databaseUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const workerEnv = {
    REDIS_URL: servers.redisUrl,
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: prefix,
    // two cores are shared with other test files
    WORKER_CONCURRENCY: '1',
    // a killed worker's jobs come back within seconds, not BullMQ's default 30 s
    BULLMQ_LOCK_MS: '3000',
    STALLED_INTERVAL_MS: '1000',
    LOG_LEVEL: 'warn',
    ...env,
  };
  const config = loadConfig(workerEnv);
  // creates the schema and migrates it before any worker starts
  const store = await openPostgresStore({ connectionString: servers.databaseUrl, schema, max: 4 });
  const service = await openService(config, store);
  const workers: ChildProcess[] = [];

  const startWorker = (extra: Record<string, string> = {}) => startCli(['worker'], { ...workerEnv, ...extra }, 'worker: ready', (c) => workers.push(c));

  const waitForBatch = async (batchId: number, timeoutMs: number, until = (b: BatchView) => b.status !== 'queued' && b.status !== 'running') => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const b = await service.batches.getBatch(batchId);
      if (!b) throw new Error(`batch ${batchId} does not exist`);
      if (until(b)) return b;
      if (Date.now() > end) throw new Error(`batch ${batchId} still ${b.status} after ${timeoutMs} ms: ${JSON.stringify(b.slides)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const cleanup = async () => {
    await Promise.allSettled(workers.map((w) => stopProcess(w)));
    await service.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    await deleteKeys(prefix, servers.redisUrl);
    const admin = new pg.Client({ connectionString: servers.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await admin.end();
    }
  };

  return { prefix, schema, databaseUrl, config, service, workers, startWorker, waitForBatch, cleanup };
}

/**
 * `biopsy-quant <args>` as a process of its own, answered once its stderr shows `ready` (the line
 * each long-running command logs when it is up); `spawned` sees the child before that, so a
 * caller can keep it for cleanup even if it never gets ready.
 */
export function startCli(args: string[], env: Record<string, string>, ready: string, spawned?: (child: ChildProcess) => void): Promise<ChildProcess> {
  const what = args[0];
  return new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin/biopsy-quant.js'), ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    spawned?.(child);
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 60 s: ${stderr}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes(ready)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? signal}) before it was ready: ${stderr}`));
    });
  });
}

/** SIGTERM (graceful), then SIGKILL if it has not gone in 5 s. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** Every Redis key of this run's queues. */
export async function deleteKeys(prefix: string, redisUrl = TEST_REDIS_URL): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}

export async function countKeys(prefix: string, redisUrl = TEST_REDIS_URL): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  try {
    return (await redis.keys(`${prefix}:*`)).length;
  } finally {
    redis.disconnect();
  }
}
