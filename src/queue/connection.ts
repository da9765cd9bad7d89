import { Redis } from 'ioredis';

/**
 * A Redis connection for BullMQ. maxRetriesPerRequest must be null: BullMQ's workers hold
 * blocking commands and rely on ioredis retrying them for ever across reconnects.
 */
export function redisConnection(url: string, onError: (err: Error) => void = () => undefined): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  // ioredis reconnects by itself; unlistened, a connection error event would crash the process
  redis.on('error', onError);
  return redis;
}
