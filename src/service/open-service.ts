import type { FlowProducer } from 'bullmq';
import type { Config } from '../runtime/config.js';
import { openQueues, type Queues } from '../queue/queues.js';
import { BatchStore } from '../store/batch-store.js';
import { openStore } from '../store/open-store.js';
import { SqlStore } from '../store/sql-store.js';

/** Everything service mode runs on: the store, its batches, and the queues. */
export interface Service {
  config: Config;
  store: SqlStore;
  batches: BatchStore;
  queues: Queues;
  flows: FlowProducer;
  close(): Promise<void>;
}

/**
 * PostgreSQL when DATABASE_URL is set (as workers on several machines need), else PGlite under
 * DATA_DIR. onQueueError hears the queues' Redis connection errors (see openQueues).
 */
export async function openService(config: Config, store?: SqlStore, onQueueError?: (err: Error) => void): Promise<Service> {
  const opened = store ?? (await openStore({ DATABASE_URL: config.DATABASE_URL, DATA_DIR: config.DATA_DIR }));
  if (!(opened instanceof SqlStore)) throw new TypeError('service mode needs the SQL store');
  const queues = openQueues(config, onQueueError);
  return {
    config,
    store: opened,
    batches: new BatchStore(opened.executor),
    queues,
    flows: queues.flows,
    close: async () => {
      await queues.close();
      if (!store) await opened.close();
    },
  };
}
