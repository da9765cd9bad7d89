import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClientError } from '../errors/index.js';
import { apiFetch, type ApiTarget } from './client.js';
import { readEvents } from './event-stream.js';
import type { BatchJson } from './schemas.js';

/** A dropped stream is re-opened this many times in a row before giving up. */
const RECONNECTS = 5;

/**
 * Follows GET /batches/:id/events, calling onProgress with each state, until the `end` event;
 * resolves with the final batch. A broken connection is re-opened (the stream restarts with the
 * current state, so nothing is missed); a 4xx answer is not retried.
 */
export async function followBatch(target: ApiTarget, batchId: number, onProgress: (b: BatchJson) => void): Promise<BatchJson> {
  let failures = 0;
  for (;;) {
    try {
      const res = await apiFetch(target, `/batches/${batchId}/events`, { headers: { accept: 'text/event-stream' } });
      if (!res.body) throw new ApiClientError('progress stream has no body');
      for await (const ev of readEvents(res.body)) {
        failures = 0;
        if (ev.event === 'error') throw new ApiClientError(`progress stream: ${(JSON.parse(ev.data) as { message: string }).message}`);
        const batch = JSON.parse(ev.data) as BatchJson;
        onProgress(batch);
        if (ev.event === 'end') return batch;
      }
      throw new ApiClientError('progress stream ended before the batch did');
    } catch (err) {
      const status = err instanceof ApiClientError ? err.status : undefined;
      if ((status !== undefined && status < 500) || ++failures > RECONNECTS) throw err;
      await sleep(500 * failures);
    }
  }
}
