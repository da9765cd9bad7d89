import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClientError } from '../errors/index.js';
import { apiFetch, type ApiTarget } from './client.js';
import { readEvents } from './event-stream.js';
import type { BatchJson } from './schemas.js';

/**
 * How long a lost stream is tried again before giving up: long enough for the API to be
 * restarted (a deploy, a crash brought back by its supervisor), which takes seconds, not a count
 * of tries that a slow start outlasts.
 */
const RECONNECT_FOR_MS = 60_000;
/** pause between tries: 0.5 s, 1 s, 1.5 s … up to this */
const RECONNECT_PAUSE_MAX_MS = 3_000;

/**
 * Follows GET /batches/:id/events, calling onProgress with each state, until the `end` event;
 * resolves with the final batch. A broken connection is re-opened with Last-Event-ID, for up to
 * RECONNECT_FOR_MS since the last event: the stream carries whole states, so the first event after
 * it is the current state (not repeated when unchanged) and nothing is missed. A 4xx answer is not
 * retried.
 */
export async function followBatch(target: ApiTarget, batchId: number, onProgress: (b: BatchJson) => void): Promise<BatchJson> {
  let lastId: string | undefined;
  let lastState = '';
  let tries = 0;
  let lostAt: number | undefined;
  for (;;) {
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (lastId !== undefined) headers['last-event-id'] = lastId;
      const res = await apiFetch(target, `/batches/${batchId}/events`, { headers });
      if (!res.body) throw new ApiClientError('progress stream has no body');
      for await (const ev of readEvents(res.body)) {
        tries = 0;
        lostAt = undefined;
        if (ev.event === 'error') throw new ApiClientError(`progress stream: ${(JSON.parse(ev.data) as { message: string }).message}`);
        if (ev.id !== undefined) lastId = ev.id;
        const batch = JSON.parse(ev.data) as BatchJson;
        // the end event repeats the last progress state, which a resumed stream may not have sent
        if (ev.data !== lastState) onProgress(batch);
        lastState = ev.data;
        if (ev.event === 'end') return batch;
      }
      throw new ApiClientError('progress stream ended before the batch did');
    } catch (err) {
      const status = err instanceof ApiClientError ? err.status : undefined;
      lostAt ??= Date.now();
      if ((status !== undefined && status < 500) || Date.now() - lostAt > RECONNECT_FOR_MS) throw err;
      await sleep(Math.min(500 * ++tries, RECONNECT_PAUSE_MAX_MS));
    }
  }
}
