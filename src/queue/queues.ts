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

/**
 * onError hears the connection's errors while Redis is away (ioredis reconnects by itself); without
 * a listener BullMQ prints each one, a stack trace per retry, to stderr.
 */
export function openQueues(config: Pick<Config, 'REDIS_URL' | 'QUEUE_PREFIX'>, onError: (err: Error) => void = () => undefined): Queues {
  const connection = redisConnection(config.REDIS_URL, onError);
  const prefix = config.QUEUE_PREFIX;
  const flows = new FlowProducer({ connection, prefix });
  const slides = new Queue(SLIDES_QUEUE, { connection, prefix });
  const tiles = new Queue(TILES_QUEUE, { connection, prefix });
  flows.on('error', onError);
  slides.on('error', onError);
  tiles.on('error', onError);
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
