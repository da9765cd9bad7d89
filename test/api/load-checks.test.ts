import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditSubmissions } from '../../bench/load/count-submissions.js';
import { driveRoute } from '../../bench/load/drive.js';
import { planJobId } from '../../src/queue/names.js';
import { openHarness, type Harness } from '../../src/service/local-cluster.js';
import { submitBatch } from '../../src/service/submit.js';

/** The load bench's checks (bench/load/) find what they look for: a clean smoke run means something only if they can fail. */
describe('the submission audit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness({ SLIDES_ROOT: '/tmp' });
  });
  afterAll(async () => {
    await h?.cleanup();
  });

  it('counts an acknowledged batch missing from the store, one with a slide whose job is gone, and a stored batch nobody acknowledged', async () => {
    const submit = () => submitBatch(h.service, { createdBy: 'token:7', slides: [{ path: 'a.tif', metadata: {} }, { path: 'b.tif', metadata: {} }] });
    const whole = (await submit()).batchId;
    const jobless = (await submit()).batchId;
    const unseen = (await submit()).batchId;
    const gone = unseen + 1000;
    const slides = (await h.service.batches.getBatch(jobless))!.slides;
    expect(await h.service.queues.slides.remove(planJobId(slides[1].id))).toBe(1);

    const audit = await auditSubmissions(h.service, 'token:7', [whole, jobless, gone], 2);
    expect(audit).toMatchObject({ acknowledged: 3, stored: 3, lost: 2, unacknowledged: 1, incompleteUnacknowledged: 0, queuedJobs: 5, orphanJobs: 0 });
    expect(audit.problems).toEqual([`batch ${jobless}: 2 slides stored, not all with a queued job`, `batch ${gone}: acknowledged, not in the store`]);

    // the same id acknowledged to two submissions: one of them has no batch
    expect((await auditSubmissions(h.service, 'token:7', [whole, whole, jobless], 2)).lost).toBe(2);
  });
});

describe('driveRoute', () => {
  let server: Server;
  let url: string;
  let n = 0;
  beforeAll(async () => {
    // every 4th answer a 500, every 4th (offset) a body that is not the promised one
    server = createServer((_req, res) => {
      const i = n++;
      if (i % 4 === 1) return void res.writeHead(500).end('boom');
      res.writeHead(200, { 'content-type': 'application/json' }).end(i % 4 === 3 ? '{"ok":false}' : '{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('counts 5xx, non-2xx and malformed answers', async () => {
    const f = await driveRoute(
      url,
      { name: 'GET /x', token: 't', requests: [{ method: 'GET', path: '/x', check: (status, body) => (status !== 200 ? `status ${status}` : body !== '{"ok":true}' ? 'wrong body' : undefined) }] },
      { connections: 1, durationS: 1, amount: 40 },
    );
    expect(f).toMatchObject({ requests: 40, s2xx: 30, s5xx: 10, non2xx: 10, errors: 0, malformed: 20 });
    expect(f.problems[0]).toBe('GET /x → 500: status 500');
  });
});
