// Server-sent events over fetch, so the stream carries the bearer token (EventSource sends no
// headers). The parser follows the WHATWG format as src/api/event-stream.ts does for the CLI.

/** Splits a text/event-stream body into { event, data, id } events; chunks may cut lines anywhere. */
export async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = { event: 'message', data: '' };
  let hasData = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (hasData) yield event;
        event = { event: 'message', data: '' };
        hasData = false;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const v = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event.event = v;
      else if (field === 'id') event.id = v;
      else if (field === 'data') {
        event.data = hasData ? `${event.data}\n${v}` : v;
        hasData = true;
      }
    }
  }
}

/** How long a lost stream is tried again (the API restarted: seconds), as the CLI's `submit` does. */
const RECONNECT_FOR_MS = 60_000;

/**
 * Follows GET /batches/:id/events until its `end`, calling onState with each batch state; a broken
 * stream is opened again with Last-Event-ID. Resolves with the final batch; a 4xx is not retried.
 * `signal` stops following (another batch was opened).
 */
export async function followBatch(token, batchId, onState, signal) {
  let lastId;
  let lostAt;
  let tries = 0;
  for (;;) {
    try {
      const headers = { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' };
      if (lastId !== undefined) headers['Last-Event-ID'] = lastId;
      const res = await fetch(`/batches/${batchId}/events`, { headers, signal });
      if (!res.ok) {
        let message = res.statusText;
        try {
          message = (await res.json()).message ?? message;
        } catch {
          // the status says enough
        }
        const err = new Error(`batch ${batchId}: ${message}`);
        err.status = res.status;
        throw err;
      }
      for await (const ev of readEvents(res.body)) {
        tries = 0;
        lostAt = undefined;
        if (ev.event === 'error') throw Object.assign(new Error(JSON.parse(ev.data).message), { status: 500 });
        if (ev.id !== undefined) lastId = ev.id;
        const batch = JSON.parse(ev.data);
        onState(batch);
        if (ev.event === 'end') return batch;
      }
      throw new Error('progress stream ended early');
    } catch (err) {
      if (signal?.aborted) throw err;
      lostAt ??= Date.now();
      if ((err.status !== undefined && err.status < 500) || Date.now() - lostAt > RECONNECT_FOR_MS) throw err;
      await new Promise((r) => setTimeout(r, Math.min(500 * ++tries, 3000)));
    }
  }
}
