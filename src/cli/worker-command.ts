import type { Command } from 'commander';
import { loadConfig } from '../runtime/config.js';
import { createLogger } from '../runtime/log.js';
import { openService } from '../service/open-service.js';
import { startWorkers } from '../service/start-workers.js';

/**
 * `biopsy-quant worker`: takes slide and tile jobs from the queues (REDIS_URL, QUEUE_PREFIX)
 * and writes results to the store (DATABASE_URL). Runs until SIGTERM/SIGINT, then finishes the
 * jobs in hand and exits; a second signal exits at once (the jobs go back to the queue when
 * their locks lapse).
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run queue workers (service mode): analyse tile batches and score slides from REDIS_URL into DATABASE_URL')
    .action(async () => {
      const config = loadConfig();
      const log = createLogger(config.LOG_LEVEL);
      const service = await openService(config, undefined, (err) => log.warn({ err: err.message }, 'redis connection error (queues)'));
      const workers = startWorkers(service, log);
      log.info({ prefix: config.QUEUE_PREFIX, concurrency: config.WORKER_CONCURRENCY, store: service.store.kind }, 'worker started');
      process.stderr.write(`biopsy-quant worker: ready (queue prefix ${config.QUEUE_PREFIX}, ${config.WORKER_CONCURRENCY} threads, ${service.store.kind} store)\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          process.stderr.write(`biopsy-quant worker: ${signal}, finishing jobs in hand\n`);
          process.once(signal as NodeJS.Signals, () => process.exit(130));
          resolve();
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      await workers.close();
      await service.close();
    });
}
