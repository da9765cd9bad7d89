import os from 'node:os';
import { z } from 'zod';
import { MetadataError } from '../errors/index.js';

/** Environment configuration, validated once at start-up (DESIGN.md), with laptop defaults. */
const Env = z.object({
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url().optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(Math.max(1, os.availableParallelism?.() ?? os.cpus().length)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  // service mode (queue); see src/queue/
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix: separate deployments (or test runs) sharing one Redis never see each other's jobs */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only').default('bq'),
  /** tiles per queue job; unset = the measured default (src/queue/policy.ts) */
  TILE_BATCH_SIZE: z.coerce.number().int().min(1).max(256).optional(),
  /** BullMQ job lock and stalled-check period, ms; short values let tests recover killed workers in seconds */
  BULLMQ_LOCK_MS: z.coerce.number().int().min(500).max(600_000).optional(),
  STALLED_INTERVAL_MS: z.coerce.number().int().min(250).max(600_000).optional(),
  /** API (`serve`): listen address; loopback by default so nothing is exposed by accident */
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** every slide path the API accepts must resolve inside this folder */
  SLIDES_ROOT: z.string().min(1).default('./slides'),
  /** largest multipart upload (per file and per request), bytes; 2 GiB by default */
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(2 * 1024 ** 3),
  // faults (issue 14)
  /**
   * how often each worker looks for queued or running slides whose jobs Redis lost (restarted
   * without its data) and queues them again, ms; also how long a row must be unchanged to count;
   * 0 = never (src/service/requeue-lost.ts)
   */
  LOST_JOBS_CHECK_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
});
export type Config = z.infer<typeof Env>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new MetadataError(`invalid environment configuration: ${detail}`);
  }
  return parsed.data;
}
