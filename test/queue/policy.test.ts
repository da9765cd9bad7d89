import { describe, expect, it } from 'vitest';
import { AnalysisError, MetadataError, SlideBudgetError, SlideFormatError, SlidePathError, StoreConflictError, StoreError, StoreInputError, StoreNotFoundError } from '../../src/errors/index.js';
import { DEFAULT_TILE_BATCH, isLastAttempt, isPermanent, JOB_ATTEMPTS, jobOptions, tileBatchSize, tileJobOptions, workerTimings } from '../../src/queue/policy.js';

describe('queue policy', () => {
  it('retries 5 times with exponential backoff from 1 s; tile batches fail their parent when they fail for good', () => {
    expect(jobOptions()).toMatchObject({ attempts: 5, backoff: { type: 'exponential', delay: 1000 } });
    expect(jobOptions().failParentOnFailure).toBeUndefined();
    expect(tileJobOptions()).toMatchObject({ attempts: 5, failParentOnFailure: true });
  });

  it('a bad slide or input the store refuses fails at once; a store or connection error is retried', () => {
    expect(isPermanent(new SlideFormatError('x'))).toBe(true);
    expect(isPermanent(new SlideBudgetError('x'))).toBe(true);
    expect(isPermanent(new SlidePathError('x'))).toBe(true);
    expect(isPermanent(new StoreInputError('x'))).toBe(true);
    expect(isPermanent(new StoreNotFoundError('x'))).toBe(true);
    expect(isPermanent(new StoreConflictError('x'))).toBe(true);
    expect(isPermanent(new MetadataError('x'))).toBe(true);
    expect(isPermanent(new AnalysisError('x'))).toBe(true);
    expect(isPermanent(new StoreError('x'))).toBe(false);
    expect(isPermanent(new Error('ECONNRESET'))).toBe(false);
  });

  it('knows the last attempt', () => {
    const opts = { attempts: JOB_ATTEMPTS };
    expect(isLastAttempt({ attemptsMade: 0, opts })).toBe(false);
    expect(isLastAttempt({ attemptsMade: JOB_ATTEMPTS - 2, opts })).toBe(false);
    expect(isLastAttempt({ attemptsMade: JOB_ATTEMPTS - 1, opts })).toBe(true);
    expect(isLastAttempt({ attemptsMade: 0, opts: {} })).toBe(true);
  });

  it('tile batch size: configured, else enough jobs for the threads, capped at the measured default', () => {
    expect(tileBatchSize(1000, { TILE_BATCH_SIZE: 7, WORKER_CONCURRENCY: 2 })).toBe(7);
    expect(tileBatchSize(1000, { TILE_BATCH_SIZE: undefined, WORKER_CONCURRENCY: 2 })).toBe(DEFAULT_TILE_BATCH);
    expect(tileBatchSize(8, { TILE_BATCH_SIZE: undefined, WORKER_CONCURRENCY: 2 })).toBe(1);
  });

  it('lock and stalled timings come from the environment only when set', () => {
    expect(workerTimings({ BULLMQ_LOCK_MS: undefined, STALLED_INTERVAL_MS: undefined })).toEqual({ maxStalledCount: 2 });
    expect(workerTimings({ BULLMQ_LOCK_MS: 3000, STALLED_INTERVAL_MS: 1000 })).toEqual({ lockDuration: 3000, stalledInterval: 1000, maxStalledCount: 2 });
  });
});
