// Embedded-mode worker thread body; loaded through tile-worker-entry.mjs.
import type { MessagePort } from 'node:worker_threads';
import { threadErrorRecord } from '../errors/index.js';
import type { TileBatchJob } from '../domain/job.js';
import { analyseTileBatch } from './analyse-tile-batch.js';
import { readSlide, type SlideReadRequest } from './read-slide.js';

/** What the pool sends: the work, and a port to say the thread has started it (the budget clock). */
export interface ThreadTask<P = unknown> {
  payload: P;
  started: MessagePort;
}

/** a typed error comes back as a record the pool turns back into its class (thread-error.ts) */
async function run<P, T>(task: ThreadTask<P>, work: (payload: P) => Promise<T>) {
  task.started.postMessage(0);
  task.started.close();
  try {
    return await work(task.payload);
  } catch (err) {
    const rec = threadErrorRecord(err);
    if (rec) return rec;
    throw err;
  }
}

export function tiles(task: ThreadTask<TileBatchJob>) {
  return run(task, analyseTileBatch);
}

export function read(task: ThreadTask<SlideReadRequest>) {
  return run(task, readSlide);
}
