import type { Job, JobsOptions } from 'bullmq';
import type { Config } from '../runtime/config.js';
import { AnalysisError, MetadataError, SlideBudgetError, SlideFormatError, SlidePathError, StoreConflictError, StoreInputError, StoreNotFoundError } from '../errors/index.js';
import { batchSizeFor } from '../pipeline/plan-slide.js';

/** Transient failures (Redis or PostgreSQL restarting, a worker killed) get this many tries in all. */
export const JOB_ATTEMPTS = 5;
/** 1 s, 2 s, 4 s, 8 s between tries: ~15 s covers a database or Redis restart. */
export const BACKOFF = { type: 'exponential', delay: 1000 } as const;

/** Completed jobs are evidence for a day (the store keeps the results); failed ones for a week. */
const KEEP_COMPLETED = { age: 24 * 3600, count: 10_000 };
const KEEP_FAILED = { age: 7 * 24 * 3600 };

export function jobOptions(): JobsOptions {
  return { attempts: JOB_ATTEMPTS, backoff: BACKOFF, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED };
}

/** A tile batch that fails for good fails its slide's parent, so the slide is marked failed, never half-scored. */
export function tileJobOptions(): JobsOptions {
  return { ...jobOptions(), failParentOnFailure: true };
}

/**
 * A bad slide (unreadable, no pixel size, no tissue, an unsafe path) or input the store refuses
 * (a field that fails its schema, a record that refers to nothing, a duplicate) fails the same way
 * every time; retrying it only delays the user's error message. Everything else — a plain
 * StoreError (connection lost, database restarting), a network error — may be transient and is retried.
 */
export function isPermanent(err: unknown): boolean {
  return (
    err instanceof SlideFormatError ||
    err instanceof SlideBudgetError ||
    err instanceof MetadataError ||
    err instanceof AnalysisError ||
    err instanceof SlidePathError ||
    err instanceof StoreInputError ||
    err instanceof StoreNotFoundError ||
    err instanceof StoreConflictError
  );
}

/** True while the job runs its last allowed try: a failure now is final and must be recorded. */
export function isLastAttempt(job: Pick<Job, 'attemptsMade' | 'opts'>): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * Tiles per queue job when TILE_BATCH_SIZE is unset. bench/queue-overhead.ts (shared 2-core
 * machine, PostgreSQL store): one job costs ~6–8 ms beyond its analysis, a 1024² tile ~220 ms,
 * so the overhead is 3.5% at 1 tile/job, 1.4% at 2 and 0.7% at 4. Four keeps it under 5% even
 * if tile analysis gets ~7× faster (≥ 30 ms/tile), while a retried job redoes at most ~1 s of work.
 */
export const DEFAULT_TILE_BATCH = 4;

/**
 * Tiles per job for a slide: the configured size, or enough jobs to keep every worker thread
 * busy to the end (the embedded rule) capped at the measured default.
 */
export function tileBatchSize(tileCount: number, config: Pick<Config, 'TILE_BATCH_SIZE' | 'WORKER_CONCURRENCY'>): number {
  return config.TILE_BATCH_SIZE ?? batchSizeFor(tileCount, config.WORKER_CONCURRENCY, DEFAULT_TILE_BATCH);
}

/**
 * Lock and stalled-check timing. BullMQ's defaults (30 s each) suit production; tests shorten
 * them so a killed worker's jobs are back in the queue within seconds. A stalled job may be
 * recovered twice: re-running a tile batch is harmless (its results are upserted).
 */
export function workerTimings(config: Pick<Config, 'BULLMQ_LOCK_MS' | 'STALLED_INTERVAL_MS'>): {
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount: number;
} {
  return {
    ...(config.BULLMQ_LOCK_MS ? { lockDuration: config.BULLMQ_LOCK_MS } : {}),
    ...(config.STALLED_INTERVAL_MS ? { stalledInterval: config.STALLED_INTERVAL_MS } : {}),
    maxStalledCount: 2,
  };
}
