import os from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { threadPoolExecutor } from '../pipeline/executor.js';
import { budgetFromConfig } from '../pipeline/slide-budget.js';
import { redisConnection } from '../queue/connection.js';
import { AGGREGATE_SLIDE, PLAN_SLIDE, SLIDES_QUEUE, TILES_QUEUE } from '../queue/names.js';
import { workerTimings } from '../queue/policy.js';
import { aggregateSlideProcessor } from '../../workers/aggregate-slide.worker.js';
import { planSlideProcessor } from '../../workers/plan-slide.worker.js';
import { tileBatchProcessor } from '../../workers/tile-batch.worker.js';
import type { Service } from './open-service.js';
import { requeueLostSlides } from './requeue-lost.js';

export interface RunningWorkers {
  /** waits for the jobs in hand to finish, then stops taking new ones */
  close(): Promise<void>;
}

/**
 * The BullMQ workers of one process: tile batches on TILES (WORKER_CONCURRENCY at once, each on
 * its own worker thread) and the per-slide plan and aggregate jobs on SLIDES.
 */
export function startWorkers(service: Service, log?: Logger): RunningWorkers {
  const { config, store, batches, queues } = service;
  const executor = threadPoolExecutor({ threads: config.WORKER_CONCURRENCY, budget: budgetFromConfig(config) });
  const connection = redisConnection(config.REDIS_URL, (err) => log?.warn({ err: err.message }, 'redis connection error'));
  // the name is stored on each job it takes (job.processedBy): which process holds what
  const name = `${os.hostname()}:${process.pid}`;
  const common = { connection, name, prefix: config.QUEUE_PREFIX, ...workerTimings(config) };

  const plan = planSlideProcessor({ store, batches, flows: queues.flows, config, executor });
  const aggregate = aggregateSlideProcessor({ store, batches });
  const slideJobs = (job: Job) => {
    if (job.name === PLAN_SLIDE) return plan(job);
    if (job.name === AGGREGATE_SLIDE) return aggregate(job);
    throw new Error(`unknown job ${job.name} on the ${SLIDES_QUEUE} queue`);
  };
  // slide jobs mostly wait on the file and the database; two at a time keeps planning from
  // holding up tiles without crowding the worker threads
  const workers = [
    new Worker(SLIDES_QUEUE, slideJobs, { ...common, concurrency: 2 }),
    new Worker(TILES_QUEUE, tileBatchProcessor({ store, batches, executor }), { ...common, concurrency: config.WORKER_CONCURRENCY }),
  ];
  for (const w of workers) {
    w.on('failed', (job, err) => log?.warn({ queue: w.name, job: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed'));
    w.on('error', (err) => log?.error({ queue: w.name, err: err.message }, 'worker error'));
  }
  const sweep = lostJobSweep(service, log);
  return {
    close: async () => {
      clearInterval(sweep);
      await Promise.allSettled(workers.map((w) => w.close()));
      await executor.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/** Every LOST_JOBS_CHECK_MS, queue again the slides whose jobs Redis lost (requeue-lost.ts). */
function lostJobSweep(service: Service, log?: Logger): NodeJS.Timeout | undefined {
  const every = service.config.LOST_JOBS_CHECK_MS;
  if (every === 0) return undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    requeueLostSlides({ batches: service.batches, flows: service.queues.flows, slides: service.queues.slides }, every)
      .then((o) => {
        if (o.requeued.length) log?.warn({ slides: o.requeued }, 'queued again: slides whose jobs Redis lost');
        if (o.failed.length) log?.warn({ slides: o.failed }, 'failed: slides whose jobs Redis lost and whose parameters were not kept');
      })
      // Redis or the database down: the next round tries again
      .catch((err: Error) => log?.warn({ err: err.message }, 'lost-job check failed'))
      .finally(() => {
        running = false;
      });
  }, every);
  timer.unref();
  return timer;
}
