import os from 'node:os';
import { z } from 'zod';
import { MetadataError } from '../errors/index.js';

// security (issue 14)
/** The API's guards (src/api/security.ts); each has a default, so a test may name none of them. */
export const SecurityEnv = z.object({
  /** presented-but-wrong API tokens one client (IP) may send per window before every request of it is 429 */
  AUTH_FAIL_LIMIT: z.coerce.number().int().min(1).max(100_000).default(20),
  /** the failed-auth window, ms (a minute) */
  AUTH_FAIL_WINDOW_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
  /** largest JSON (non-multipart) request body, bytes (fastify bodyLimit) */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(1024 ** 3).default(1024 ** 2),
  /** largest request head (request line + headers), bytes (node's http maxHeaderSize) */
  MAX_HEADER_BYTES: z.coerce.number().int().min(1024).max(1024 ** 2).default(16 * 1024),
  /** longest query string (after '?'), bytes, and most query parameters */
  MAX_QUERY_BYTES: z.coerce.number().int().min(64).max(1024 ** 2).default(4096),
  MAX_QUERY_PARAMS: z.coerce.number().int().min(1).max(10_000).default(32),
  /** multipart uploads: most file parts, and the largest non-file field (the metadata JSON), bytes */
  MAX_UPLOAD_FILES: z.coerce.number().int().min(1).max(100_000).default(1_000),
  MAX_UPLOAD_FIELD_BYTES: z.coerce.number().int().min(1024).max(1024 ** 3).default(16 * 1024 ** 2),
  /** origins a browser may call the API from, comma-separated (https://a.org,https://b.org); empty: none (CORS closed) */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s,]+$/, 'each origin is scheme://host[:port], without a path'))),
  /**
   * behind a reverse proxy, whose X-Forwarded-For to believe (fastify trustProxy): 'true' (any),
   * or a comma list of proxy addresses/CIDRs; empty: none, the client is the socket's peer (and
   * every client behind a proxy shares one failed-auth count)
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((s): boolean | string => (s === '' || s === 'false' ? false : s === 'true' ? true : s)),
});
export type SecurityConfig = z.infer<typeof SecurityEnv>;
/** Every guard at its default. */
export const SECURITY_DEFAULTS: SecurityConfig = SecurityEnv.parse({});
// end security (issue 14)

// browser uploads (issue 16)
/** Resumable (tus) uploads from the submission page, and where every upload lands. */
export const UploadEnv = z.object({
  /**
   * where uploads go (tus partials, verified content, assembled slides, multipart uploads); unset:
   * <SLIDES_ROOT>/uploads. Workers open uploaded slides by their path here, so every worker
   * machine must mount this folder at the same path (one file system: content is hard-linked)
   */
  UPLOAD_DIR: z.string().min(1).optional(),
  /** largest file one tus upload may declare, bytes (whole-slide images run to tens of GB) */
  UPLOAD_MAX_FILE_BYTES: z.coerce.number().int().positive().default(50 * 1024 ** 3),
  /** most bytes one token may have in unfinished or unverified uploads at once */
  UPLOAD_MAX_TOTAL_BYTES: z.coerce.number().int().positive().default(500 * 1024 ** 3),
  /** free space the upload disk keeps after every accepted upload has arrived, bytes */
  UPLOAD_MIN_FREE_BYTES: z.coerce.number().int().nonnegative().default(2 * 1024 ** 3),
  /** an upload not finished and verified this long after it began is removed, hours */
  UPLOAD_EXPIRE_HOURS: z.coerce.number().positive().max(24 * 365).default(24),
  /** bytes the page sends per PATCH request (a proxy's body limit must allow it) */
  UPLOAD_CHUNK_BYTES: z.coerce.number().int().min(1024 ** 2).max(1024 ** 3).default(64 * 1024 ** 2),
});
export type UploadConfig = z.infer<typeof UploadEnv>;
/** Every upload setting at its default (UPLOAD_DIR: under SLIDES_ROOT). */
export const UPLOAD_DEFAULTS: UploadConfig = UploadEnv.parse({});
// end browser uploads (issue 16)

/** Environment configuration, validated once at start-up (DESIGN.md), with laptop defaults. */
const Env = z.object({
  ...SecurityEnv.shape,
  ...UploadEnv.shape,
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
  // per-slide budget (issue 14): a slide that exceeds it fails alone (src/pipeline/slide-budget.ts)
  /** opening a slide, its tissue mask, stain and QC references: seconds before the slide is stopped */
  SLIDE_READ_TIMEOUT_S: z.coerce.number().positive().max(86_400).default(300),
  /** seconds each tile of a tile batch may take (a batch of 4 gets 4×) */
  TILE_TIMEOUT_S: z.coerce.number().positive().max(3_600).default(60),
  /** JavaScript heap of each worker thread, MiB (pixel buffers live outside it) */
  WORKER_HEAP_MB: z.coerce.number().int().min(64).max(65_536).default(512),
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
