import os from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { TileResult } from '../domain/detection.js';
import type { TileBatchJob } from '../domain/job.js';
import { errorFromRecord, isThreadErrorRecord } from '../errors/index.js';
import { analyseTileBatch, closeCachedSlides } from './analyse-tile-batch.js';
import { FifoSlots } from './fifo-slots.js';
import { readSlide, type SlideReading, type SlideReadRequest } from './read-slide.js';
import type { ThreadTask } from './tile-worker.js';
import { budgetError, DEFAULT_BUDGET, taskSeconds, type BudgetedTask, type SlideBudget } from './slide-budget.js';

/**
 * Runs a slide's file work somewhere: in this thread, in a worker-thread pool, or (service mode,
 * tiles) behind a queue. `read` opens and plans a slide, `run` analyses a batch of its tiles.
 */
export interface TileExecutor {
  /** `signal` withdraws the batch (its slide has failed): queued, it never runs; running, its thread is stopped */
  run(job: TileBatchJob, opts?: { signal?: AbortSignal }): Promise<TileResult[]>;
  read(req: SlideReadRequest): Promise<SlideReading>;
  close(): Promise<void>;
  readonly concurrency: number;
}

/** This thread, no budget: tests and `--threads 0`, where a hostile file can still hang the process. */
export function inlineExecutor(): TileExecutor {
  return { run: (job) => analyseTileBatch(job), read: (req) => readSlide(req), close: () => closeCachedSlides(), concurrency: 1 };
}

export interface ThreadPoolOptions {
  threads?: number;
  budget?: SlideBudget;
}

/**
 * Worker threads running src/pipeline/tile-worker (through its plain-JS entry, which loads tsx),
 * each task under the slide budget: a task over its time is aborted (piscina terminates its
 * thread and starts another), a thread over its heap is killed by V8. Either fails that slide alone.
 */
export function threadPoolExecutor(opts: ThreadPoolOptions = {}): TileExecutor {
  const threads = opts.threads ?? defaultThreads();
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const pool = new Piscina({
    filename: new URL('./tile-worker-entry.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    execArgv: [],
    // one batch at a time per thread: batches are CPU-bound
    concurrentTasksPerWorker: 1,
    resourceLimits: { maxOldGenerationSizeMb: budget.heapMb },
  });
  // Tasks go to piscina only when a thread is free, in the order they were given (FifoSlots):
  // piscina puts a task that no thread can take at once (every task here carries an abort signal)
  // back at the end of its queue, or with stricterFIFO at the front, so a slide's batches ran
  // shuffled (or last first), a small last batch before a big one, and on the bench's 10 000²
  // section one thread finished its cell batches 7 s (of 21) before the other.
  const slots = new FifoSlots(threads);
  const runTask = async <T>(path: string, task: BudgetedTask, name: string, payload: unknown, withdraw?: AbortSignal): Promise<T> => {
    try {
      await slots.take(withdraw);
    } catch (err) {
      if (withdraw?.aborted) throw new Error(`${path}: withdrawn, the slide failed`, { cause: err });
      throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    try {
      return await runOnThread<T>(path, task, name, payload, withdraw);
    } finally {
      slots.give();
    }
  };
  const runOnThread = async <T>(path: string, task: BudgetedTask, name: string, payload: unknown, withdraw?: AbortSignal): Promise<T> => {
    // the clock starts when a thread takes the task, not when it is queued behind other slides'
    // tiles (nor while a thread replacing a stopped one starts up)
    const stop = new AbortController();
    const { port1: started, port2 } = new MessageChannel();
    let timer: NodeJS.Timeout | undefined;
    started.once('message', () => {
      timer = setTimeout(() => stop.abort(), taskSeconds(task, budget) * 1000);
    });
    let out: unknown;
    try {
      const signal = withdraw ? AbortSignal.any([stop.signal, withdraw]) : stop.signal;
      out = await pool.run({ payload, started: port2 } satisfies ThreadTask, { name, signal, transferList: [port2] });
    } catch (err) {
      if (withdraw?.aborted) throw new Error(`${path}: withdrawn, the slide failed`, { cause: err });
      throw budgetError(path, task, budget, err) ?? err;
    } finally {
      clearTimeout(timer);
      started.close();
    }
    if (isThreadErrorRecord(out)) throw errorFromRecord(out);
    return out as T;
  };
  return {
    run: (job, opts) => runTask<TileResult[]>(job.slidePath, { kind: 'tiles', tiles: job.tiles.length }, 'tiles', job, opts?.signal),
    read: (req) => runTask<SlideReading>(req.path, { kind: 'read' }, 'read', req),
    close: () => {
      slots.close(new Error('the thread pool was closed before this task could start'));
      return pool.destroy();
    },
    concurrency: threads,
  };
}

export function defaultThreads(): number {
  const n = os.availableParallelism?.() ?? os.cpus().length;
  return Math.max(1, n);
}
