import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueBatchService } from '../../src/api/queue-batch-service.js';
import { buildServer, type ApiServer } from '../../src/api/server.js';
import { resolveParams } from '../../src/domain/params.js';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import { countKeys, openHarness, type Harness } from '../../src/service/local-cluster.js';
import { openService, type Service } from '../../src/service/open-service.js';
import { submitBatch } from '../../src/service/submit.js';
import { ApiAuditLog } from '../../src/store/api-audit-log.js';
import { TokenStore } from '../../src/store/token-store.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';

// Issue 14 point 3: the same slide submitted in two batches at the same moment, through two API
// instances that share one store and one queue. Both batches complete and report the slide; it
// is analysed once (one analysis run, each tile saved once) with embedded mode's scores.
let dir: string;
let h: Harness;
let second: Service;
const apis: ApiServer[] = [];
let token: string;

const build = async (service: Service) =>
  buildServer({
    store: service.store,
    audit: new ApiAuditLog(service.store.executor),
    tokens: new TokenStore(service.store.executor),
    batches: queueBatchService(service.batches, (request) => submitBatch(service, request)),
    config: h.config,
  });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-twice-'));
  await writeSyntheticSlide(makeScene({ seed: 61, width: 1100, height: 900 }), path.join(dir, 'shared.tif'), 'pyramidal-tiff');
  await writeSyntheticSlide(makeScene({ seed: 62, width: 700, height: 600 }), path.join(dir, 'own.tif'), 'pyramidal-tiff');
  h = await openHarness({ TILE_BATCH_SIZE: '1', SLIDES_ROOT: dir });
  await Promise.all([h.startWorker(), h.startWorker()]);
  // a second API process's view: its own connections to the same PostgreSQL schema and Redis prefix
  second = await openService(h.config);
  apis.push(await build(h.service), await build(second));
  token = (await new TokenStore(h.service.store.executor).createToken('submitter', 'two-instances test')).token;
}, 120_000);

afterAll(async () => {
  for (const api of apis) await api.close();
  await second?.close();
  const prefix = h?.prefix;
  await h?.cleanup();
  if (prefix) expect(await countKeys(prefix)).toBe(0);
  await rm(dir, { recursive: true, force: true });
});

describe('the same slide in two batches at once, through two API instances', () => {
  it('completes both batches, analyses the slide once, and scores it as embedded mode does', async () => {
    const headers = { authorization: `Bearer ${token}` };
    const payload = (others: string[]) => ({ params: { tileSize: 512 }, slides: [{ file: 'shared.tif', patient: 'P01', marker: 'CD163' }, ...others.map((file) => ({ file, patient: 'P02', marker: 'CD163' }))] });
    const [a, b] = await Promise.all([
      apis[0].inject({ method: 'POST', url: '/batches', headers, payload: payload(['own.tif']) }),
      apis[1].inject({ method: 'POST', url: '/batches', headers, payload: payload([]) }),
    ]);
    expect(a.statusCode, a.body).toBe(201);
    expect(b.statusCode, b.body).toBe(201);
    const ids = [a.json().batchId as number, b.json().batchId as number];
    const [first, other] = await Promise.all(ids.map((id) => h.waitForBatch(id, 90_000)));
    expect([first.status, other.status]).toEqual(['done', 'done']);

    // each instance reports the batch the other took in
    for (const [api, id] of [[apis[1], ids[0]], [apis[0], ids[1]]] as const) {
      const view = await api.inject({ method: 'GET', url: `/batches/${id}`, headers });
      expect(view.statusCode).toBe(200);
      expect((view.json() as { status: string }).status).toBe('done');
    }

    const shared = first.slides[0];
    expect(other.slides[0].analysisId).toBe(shared.analysisId);
    expect(other.slides[0].tilesDone).toBe(shared.tilesTotal);
    const db = h.service.store.executor;
    const runs = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM analyses a JOIN slides s ON s.id = a.slide_id WHERE s.path = $1`,
      [path.join(dir, 'shared.tif')],
    );
    expect(runs.rows[0].n).toBe(1);
    const tiles = await db.query<{ n: number; total: number }>(
      'SELECT (SELECT count(*)::int FROM tile_results WHERE analysis_id = $1) AS n, tiles_total AS total FROM analyses WHERE id = $1',
      [shared.analysisId],
    );
    expect(tiles.rows[0].total).toBeGreaterThan(1);
    expect(tiles.rows[0].n).toBe(tiles.rows[0].total);
    // the two plans met: one began the run, the other joined it while it ran
    const plans = (await h.service.queues.slides.getJobs(['completed'])).filter((j) => j.name === 'plan-slide' && [shared.id, other.slides[0].id].includes(j.data.batchSlideId));
    expect(plans.map((j) => (j.returnvalue as { reason?: string }).reason ?? 'planned').sort()).toEqual(['joined the run of this slide another batch began', 'planned']);
    // the tile jobs ran once: one per tile (TILE_BATCH_SIZE 1), whichever batch planned first
    const completed = await h.service.queues.tiles.getJobs(['completed']);
    expect(completed.filter((j) => j.data.analysisId === shared.analysisId).length).toBe(tiles.rows[0].total);

    const executor = inlineExecutor();
    try {
      const embedded = await analyseSlide({ path: path.join(dir, 'shared.tif'), params: resolveParams({ tileSize: 512 }), executor, metadata: { marker: 'CD163' } });
      if (!embedded.ok) throw new Error(embedded.error);
      const row = (await h.service.store.listScores()).find((r) => r.analysisId === shared.analysisId)!;
      expect(row.scores).toEqual(embedded.scores);
      expect(embedded.scores.cells).toBeGreaterThan(20);
    } finally {
      await executor.close();
    }
  }, 150_000);
});
