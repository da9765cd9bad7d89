import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../runtime/config.js';
import { redisConnection } from './connection.js';
import { SLIDES_QUEUE, TILES_QUEUE } from './names.js';

/** The producer side of the service: what submitting and planning need. */
export interface Queues {
  readonly prefix: string;
  readonly connection: Redis;
  readonly flows: FlowProducer;
  readonly slides: Queue;
  readonly tiles: Queue;
  close(): Promise<void>;
}

export function openQueues(config: Pick<Config, 'REDIS_URL' | 'QUEUE_PREFIX'>): Queues {
  const connection = redisConnection(config.REDIS_URL);
  const prefix = config.QUEUE_PREFIX;
  const flows = new FlowProducer({ connection, prefix });
  const slides = new Queue(SLIDES_QUEUE, { connection, prefix });
  const tiles = new Queue(TILES_QUEUE, { connection, prefix });
  return {
    prefix,
    connection,
    flows,
    slides,
    tiles,
    close: async () => {
      await Promise.allSettled([flows.close(), slides.close(), tiles.close()]);
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
