import { Redis } from 'ioredis';

/**
 * A Redis connection for BullMQ. maxRetriesPerRequest must be null: BullMQ's workers hold
 * blocking commands and rely on ioredis retrying them for ever across reconnects.
 */
export function redisConnection(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
  // a dropped connection is retried by ioredis; without a listener its error would crash the process
  redis.on('error', () => undefined);
  return redis;
}
