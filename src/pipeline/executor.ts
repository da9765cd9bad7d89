import os from 'node:os';
import { Piscina } from 'piscina';
import type { TileResult } from '../domain/detection.js';
import type { TileBatchJob } from '../domain/job.js';
import { analyseTileBatch, closeCachedSlides } from './analyse-tile-batch.js';

/** Runs tile batches somewhere: in this thread, in a worker-thread pool, or (service mode) on a queue. */
export interface TileExecutor {
  run(job: TileBatchJob): Promise<TileResult[]>;
  close(): Promise<void>;
  readonly concurrency: number;
}

export function inlineExecutor(): TileExecutor {
  return { run: (job) => analyseTileBatch(job), close: () => closeCachedSlides(), concurrency: 1 };
}

/** Worker threads running src/pipeline/tile-worker (through its plain-JS entry, which loads tsx). */
export function threadPoolExecutor(threads = defaultThreads()): TileExecutor {
  const pool = new Piscina({
    filename: new URL('./tile-worker-entry.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    execArgv: [],
    // one batch at a time per thread: batches are CPU-bound
    concurrentTasksPerWorker: 1,
  });
  return {
    run: (job) => pool.run(job) as Promise<TileResult[]>,
    close: () => pool.destroy(),
    concurrency: threads,
  };
}

export function defaultThreads(): number {
  const n = os.availableParallelism?.() ?? os.cpus().length;
  return Math.max(1, n);
}
