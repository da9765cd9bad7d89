import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents, type ServerEvent } from '../../src/api/event-stream.js';
import type { BatchJson } from '../../src/api/schemas.js';
import { bearer, openApi, type Api } from './setup.js';

let api: Api;
beforeAll(async () => {
  api = await openApi();
});
afterAll(() => api.close());

async function* chunks(text: string, size: number) {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}
async function parse(text: string, size = 1 << 20): Promise<ServerEvent[]> {
  const out: ServerEvent[] = [];
  for await (const e of readEvents(chunks(text, size))) out.push(e);
  return out;
}

async function submit(files: string[]) {
  const res = await api.app.inject({ method: 'POST', url: '/batches', headers: bearer(api.token.submitter), payload: { slides: files.map((file) => ({ file })) } });
  return res.json<{ batchId: number }>().batchId;
}

describe('GET /batches/:id/events', () => {
  it('streams progress per slide until the batch is done, then an end event', async () => {
    const id = await submit(['a.png', 'sub/b.tif']);
    const res = await api.app.inject({ method: 'GET', url: `/batches/${id}/events`, headers: bearer(api.token.submitter) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    const events = await parse(res.body);
    const progress = events.filter((e) => e.event === 'progress').map((e) => JSON.parse(e.data) as BatchJson);
    // the fake advances one tile per read: queued, 1/3, 2/3, 3/3 (done)
    expect(progress.map((b) => b.slides.map((s) => s.tilesDone))).toEqual([[0, 0], [1, 1], [2, 2], [3, 3]]);
    expect(progress.map((b) => b.status)).toEqual(['queued', 'running', 'running', 'done']);
    expect(progress[1].slides[0].tilesTotal).toBe(3);
    expect(events.at(-1)!.event).toBe('end');
    expect(JSON.parse(events.at(-1)!.data)).toEqual(progress.at(-1));
    // ids name states: each progress its own, the end the final state's
    const ids = events.map((e) => e.id);
    expect(new Set(ids.slice(0, -1)).size).toBe(progress.length);
    expect(ids.at(-1)).toBe(ids.at(-2));
  });

  it('a client back with Last-Event-ID is not sent the state it has again', async () => {
    const id = await submit(['a.png']);
    const first = await parse((await api.app.inject({ method: 'GET', url: `/batches/${id}/events`, headers: bearer(api.token.submitter) })).body);
    const end = first.at(-1)!;
    const resumed = await parse((await api.app.inject({ method: 'GET', url: `/batches/${id}/events`, headers: { ...bearer(api.token.submitter), 'last-event-id': end.id! } })).body);
    expect(resumed).toEqual([end]);
    // an id of an older state: the current state follows
    const older = await parse((await api.app.inject({ method: 'GET', url: `/batches/${id}/events`, headers: { ...bearer(api.token.submitter), 'last-event-id': first[0].id! } })).body);
    expect(older.map((e) => [e.event, e.id])).toEqual([['progress', end.id], ['end', end.id]]);
  });

  it("ends a batch with a failed slide as 'partial', the slide carrying its error", async () => {
    await writeFile(path.join(api.root, 'bad.png'), 'corrupt');
    const id = await submit(['a.png', 'bad.png']);
    const end = (await parse((await api.app.inject({ method: 'GET', url: `/batches/${id}/events`, headers: bearer(api.token.reader) })).body)).at(-1)!;
    expect(end.event).toBe('end');
    const b = JSON.parse(end.data) as BatchJson;
    expect(b.status).toBe('partial');
    expect(b.slides[1]).toMatchObject({ status: 'failed', code: 'SLIDE_FORMAT' });
    expect(b.slides[1].error).toMatch(/bad\.png: not a readable slide$/);
  }, 10_000);

  it('a finished batch gives its state and the end at once', async () => {
    const id = await submit(['a.png']);
    await api.app.inject({ method: 'GET', url: `/batches/${id}/events`, headers: bearer(api.token.submitter) });
    const again = await parse((await api.app.inject({ method: 'GET', url: `/batches/${id}/events`, headers: bearer(api.token.submitter) })).body);
    expect(again.map((e) => e.event)).toEqual(['progress', 'end']);
  });

  it('answers 404 as JSON, before any stream, for an unknown batch', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/batches/424242/events', headers: bearer(api.token.reader) });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('readEvents', () => {
  const text = ': comment\n\nid: 0\nevent: progress\ndata: {"a":1}\n\nevent: end\ndata: line 1\ndata: line 2\r\n\r\ndata: no event name\n\n';
  const want = [
    { event: 'progress', data: '{"a":1}', id: '0' },
    { event: 'end', data: 'line 1\nline 2' },
    { event: 'message', data: 'no event name' },
  ];
  it.each([1, 2, 3, 7, 1000])('parses the same events whatever the chunk size (%i bytes)', async (size) => {
    expect(await parse(text, size)).toEqual(want);
  });
});
