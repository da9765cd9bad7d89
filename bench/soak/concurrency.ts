// npx tsx bench/soak/concurrency.ts — issue 14 part 3: one slide submitted in several batches at
// the same moment, half through each of two API instances sharing one PostgreSQL store and one
// Redis queue, analysed by two worker processes: every batch completes and reports the slide,
// which is analysed once (one analysis run, one tile job per tile). SOAK_SAME_SLIDE_BATCHES (4).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { queueBatchService } from '../../src/api/queue-batch-service.js';
import { buildServer, type ApiServer } from '../../src/api/server.js';
import { openHarness } from '../../src/service/local-cluster.js';
import { openService, type Service } from '../../src/service/open-service.js';
import { submitBatch } from '../../src/service/submit.js';
import { ApiAuditLog } from '../../src/store/api-audit-log.js';
import { TokenStore } from '../../src/store/token-store.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';
import { runWhenMain, type SoakSection } from './section.js';

export async function run(): Promise<SoakSection> {
  const n = Number(process.env.SOAK_SAME_SLIDE_BATCHES ?? 4);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-soak-twice-'));
  const h = await openHarness({ TILE_BATCH_SIZE: '1', SLIDES_ROOT: dir });
  const services: Service[] = [h.service];
  const apis: ApiServer[] = [];
  try {
    const file = path.join(dir, 'shared.tif');
    await writeSyntheticSlide(makeScene({ seed: 71, width: 1400, height: 1000 }), file, 'pyramidal-tiff');
    await Promise.all([h.startWorker(), h.startWorker()]);
    services.push(await openService(h.config));
    for (const s of services) {
      apis.push(await buildServer({ store: s.store, tokens: new TokenStore(s.store.executor), audit: new ApiAuditLog(s.store.executor), batches: queueBatchService(s.batches, (r) => submitBatch(s, r)), config: h.config }));
    }
    const token = (await new TokenStore(h.service.store.executor).createToken('submitter', 'soak')).token;
    const headers = { authorization: `Bearer ${token}` };
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        apis[i % 2].inject({ method: 'POST', url: '/batches', headers, payload: { params: { tileSize: 512 }, slides: [{ file: 'shared.tif', patient: `P${i + 1}`, marker: 'CD163' }] } }),
      ),
    );
    const ids = answers.filter((a) => a.statusCode === 201).map((a) => (a.json() as { batchId: number }).batchId);
    const batches = await Promise.all(ids.map((id) => h.waitForBatch(id, 10 * 60_000)));
    const seconds = (performance.now() - started) / 1000;
    // each batch read back through the instance that did not take it in
    const views = await Promise.all(ids.map((id, i) => apis[(i + 1) % 2].inject({ method: 'GET', url: `/batches/${id}`, headers })));
    const reported = views.filter((v) => v.statusCode === 200 && (v.json() as { status: string }).status === 'done').length;
    const analysisIds = new Set(batches.map((b) => b.slides[0].analysisId));
    const [analysisId] = [...analysisIds];
    const db = h.service.store.executor;
    const total = (await db.query<{ total: number }>('SELECT tiles_total AS total FROM analyses WHERE id = $1', [analysisId])).rows[0]?.total ?? 0;
    const tileJobs = (await h.service.queues.tiles.getJobs(['completed'])).length;
    const runs = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM analyses')).rows[0].n;
    const done = batches.filter((b) => b.status === 'done').length;
    return {
      title: 'Concurrency',
      rows: [
        {
          item: `one slide in ${n} batches at once, through 2 API instances, 2 workers`,
          outcome: `${done}/${n} batches done, ${reported}/${n} reported done by the other instance; ${runs} analysis run(s), ${tileJobs} tile jobs for ${total} tiles`,
          figures: { batches: n, done, analyses: runs, tileJobs, tiles: total, seconds: Number(seconds.toFixed(1)) },
          ok: answers.every((a) => a.statusCode === 201) && done === n && reported === n && runs === 1 && analysisIds.size === 1 && tileJobs === total,
        },
      ],
    };
  } finally {
    for (const a of apis) await a.close().catch(() => undefined);
    await services[1]?.close().catch(() => undefined);
    await h.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

await runWhenMain(import.meta.url, run);
