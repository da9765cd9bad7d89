import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveParams, type AnalysisParams } from '../../src/domain/params.js';
import type { SlideScores } from '../../src/domain/scores.js';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import { TILES_QUEUE } from '../../src/queue/names.js';
import { queueBatchService } from '../../src/api/queue-batch-service.js';
import { buildServer, type ApiServer } from '../../src/api/server.js';
import { openService } from '../../src/service/open-service.js';
import { submitBatch } from '../../src/service/submit.js';
import { TokenStore } from '../../src/store/token-store.js';
import { ApiAuditLog } from '../../src/store/api-audit-log.js';
import type { MarkerScores } from '../../src/score/marker-scores.js';
import { makeMuscleScene, muscleTruthOf, writeMuscleSlide } from '../../src/synthetic/muscle/index.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';
import { writeGoodSlides } from '../../src/synthetic/hostile-corpus.js';
import { goodSetOf, writeCraftedCorpus } from '../../src/synthetic/hostile/crafted-corpus.js';
import { SlideMetadata } from '../../src/domain/slide.js';
import { countKeys, openHarness, stopProcess, type Harness } from '../../src/service/local-cluster.js';

let dir: string;
const f = (name: string) => path.join(dir, name);

interface BothScores {
  scores: SlideScores;
  markerScores: MarkerScores | null;
}

/** Embedded mode on the same file, marker and parameters: the scores service mode must equal exactly. */
async function embeddedScores(file: string, params: AnalysisParams, marker?: string): Promise<BothScores> {
  const executor = inlineExecutor();
  try {
    const outcome = await analyseSlide({ path: file, params, executor, metadata: marker === undefined ? {} : { marker } });
    if (!outcome.ok) throw new Error(outcome.error);
    return { scores: outcome.scores, markerScores: outcome.markerScores };
  } finally {
    await executor.close();
  }
}

async function serviceScores(h: Harness, analysisId: number): Promise<BothScores> {
  const row = (await h.service.store.listScores()).find((r) => r.analysisId === analysisId);
  if (!row) throw new Error(`no scores stored for analysis ${analysisId}`);
  return { scores: row.scores, markerScores: row.markerScores };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-service-'));
  await writeSyntheticSlide(makeScene({ seed: 41, width: 1000, height: 900 }), f('good-a.tif'), 'pyramidal-tiff');
  await writeSyntheticSlide(makeScene({ seed: 42, width: 900, height: 1000 }), f('good-b.svs'), 'svs');
  const whole = await readFile(f('good-a.tif'));
  await writeFile(f('corrupt.tif'), whole.subarray(0, Math.floor(whole.length * 0.4)));
  await writeSyntheticSlide(makeScene({ seed: 43, width: 1600, height: 1600 }), f('many-tiles.tif'), 'pyramidal-tiff');
  await writeMuscleSlide(muscleScene, f('muscle-mhc.tif'), 'pyramidal-tiff');
  await writeSyntheticSlide(makeScene({ seed: 61, width: 1100, height: 900 }), f('shared.tif'), 'pyramidal-tiff');
  await writeSyntheticSlide(makeScene({ seed: 62, width: 700, height: 600 }), f('own.tif'), 'pyramidal-tiff');
});

// a muscle section (tuning seed) stained for MHC-I: fibres cross tile seams at tile size 512
const muscleScene = makeMuscleScene({ seed: 9, width: 1200, height: 1100, marker: 'MHC-I', sectionMarginUm: 60, mhcPattern: 'diffuse', mhcFraction: 0.4 });

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('service mode with two worker processes', () => {
  let h: Harness;
  let api: ApiServer;
  let submitterToken: string;
  beforeAll(async () => {
    // three tiles per job: a job is long enough to be caught in the middle
    h = await openHarness({ TILE_BATCH_SIZE: '3', SLIDES_ROOT: dir });
    await Promise.all([h.startWorker(), h.startWorker()]);
    // the API wired as `serve` wires it, driven in-process
    const tokens = new TokenStore(h.service.store.executor);
    api = await buildServer({
      store: h.service.store,
      tokens,
      audit: new ApiAuditLog(h.service.store.executor),
      batches: queueBatchService(h.service.batches, (request) => submitBatch(h.service, request)),
      config: h.config,
    });
    submitterToken = (await tokens.createToken('submitter', 'service-mode test')).token;
  });
  afterAll(async () => {
    await api?.close();
    const prefix = h?.prefix;
    await h?.cleanup();
    if (prefix) expect(await countKeys(prefix)).toBe(0);
  });

  it('scores the good slides exactly as embedded mode does and fails the corrupt one alone', async () => {
    const params = resolveParams({ tileSize: 512 });
    const res = await api.inject({
      method: 'POST',
      url: '/batches',
      headers: { authorization: `Bearer ${submitterToken}` },
      payload: {
        params: { tileSize: 512 },
        slides: [
          { file: 'good-a.tif', patient: 'P01', marker: 'CD163', timepoint: 'baseline' },
          { file: 'corrupt.tif', patient: 'P02', marker: 'CD163' },
          { file: 'good-b.svs', patient: 'P03', marker: 'CD163' },
          { file: 'muscle-mhc.tif', patient: 'P04', marker: 'MHC class I' },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { batchId } = res.json() as { batchId: number };
    const batch = await h.waitForBatch(batchId, 75_000);

    expect(batch.status).toBe('partial');
    expect(batch.createdBy).toMatch(/^token:\d+$/);
    // and the API reports the same per-slide outcome
    const status = await api.inject({ method: 'GET', url: `/batches/${batchId}`, headers: { authorization: `Bearer ${submitterToken}` } });
    expect(status.statusCode).toBe(200);
    const view = status.json() as { status: string; slides: Array<{ status: string; code: string | null }> };
    expect(view.status).toBe('partial');
    expect(view.slides.map((x) => [x.status, x.code])).toEqual([
      ['done', null],
      ['failed', 'SLIDE_FORMAT'],
      ['done', null],
      ['done', null],
    ]);
    expect(batch.slides.map((s) => s.status)).toEqual(['done', 'failed', 'done', 'done']);
    const bad = batch.slides[1];
    expect(bad.code).toBe('SLIDE_FORMAT');
    expect(bad.error).toContain(f('corrupt.tif'));
    expect(bad.error).toMatch(/truncated|corrupt/);

    // one after another: inline executors share this thread's slide cache
    const embeddedA = await embeddedScores(f('good-a.tif'), params, 'CD163');
    const embeddedB = await embeddedScores(f('good-b.svs'), params, 'CD163');
    const embeddedM = await embeddedScores(f('muscle-mhc.tif'), params, 'MHC-I');
    for (const [slide, embedded] of [
      [batch.slides[0], embeddedA],
      [batch.slides[2], embeddedB],
      [batch.slides[3], embeddedM],
    ] as const) {
      expect(slide.error).toBeNull();
      expect(slide.tilesTotal).toBeGreaterThan(1);
      expect(slide.tilesDone).toBe(slide.tilesTotal);
      expect(embedded.scores.cells).toBeGreaterThan(20);
      expect(embedded.markerScores).not.toBeNull();
      expect(await serviceScores(h, slide.analysisId!)).toEqual(embedded);
    }
    // the muscle slide's MHC-I scores are the right ones, not merely the same in both modes
    const truth = muscleTruthOf(muscleScene);
    expect(embeddedM.markerScores!.mhc1!.grade).toBe(truth.scores.mhcGrade);
    expect(Math.abs(embeddedM.markerScores!.mhc1!.fibres - truth.fibres.length)).toBeLessThanOrEqual(2);

    // the failure is where embedded mode would have put it too
    const failures = await h.service.store.listFailures();
    expect(failures.map((x) => x.path)).toEqual([f('corrupt.tif')]);
    expect(failures[0].error).toBe(bad.error);

    // submitting the same slides again reuses the finished analyses: done without new work
    // (same marker: the marker decides the analysis, muscle or not)
    const again = await submitBatch(h.service, { createdBy: 'cli', params, slides: [{ path: f('good-a.tif'), metadata: { marker: 'CD163' } }] });
    const second = await h.waitForBatch(again.batchId, 30_000);
    expect(second.status).toBe('done');
    expect(second.slides[0].analysisId).toBe(batch.slides[0].analysisId);
  });

  it('recovers tile jobs from a worker killed mid-slide: same scores, no tile saved twice', async () => {
    const params = resolveParams({ tileSize: 256 });
    const { batchId } = await submitBatch(h.service, { createdBy: 'cli', params, slides: [{ path: f('many-tiles.tif'), metadata: {} }] });
    // wait until the slide is part done, then kill (no goodbye) a worker in the middle of a tile
    // job: one whose own progress shows a tile analysed and more to come
    await h.waitForBatch(batchId, 60_000, (b) => b.slides[0].tilesDone >= 1 || b.slides[0].status === 'done' || b.slides[0].status === 'failed');
    let victim: ChildProcess | undefined;
    for (let i = 0; i < 500 && !victim; i++) {
      const midway = (await h.service.queues.tiles.getActive()).find((j) => {
        const p = j.progress as { tilesDone?: number; tilesTotal?: number };
        return p?.tilesDone !== undefined && p.tilesDone >= 1 && p.tilesDone < p.tilesTotal!;
      });
      victim = midway && h.workers.find((w) => midway.processedBy?.endsWith(`:${w.pid}`));
      if (victim) victim.kill('SIGKILL');
      else await new Promise((r) => setTimeout(r, 10));
    }
    expect(victim, 'a worker in the middle of a tile job').toBeDefined();
    await new Promise((r) => victim!.once('exit', r));
    const before = (await h.service.batches.getBatch(batchId))!.slides[0];
    expect(before.status).toBe('running');
    expect(before.tilesDone).toBeGreaterThanOrEqual(1);
    expect(before.tilesDone).toBeLessThan(before.tilesTotal);
    // what the dead worker still holds: active, locked by nobody alive
    const held = (await h.service.queues.tiles.getActive()).filter((j) => j.processedBy?.endsWith(`:${victim!.pid}`)).map((j) => j.id!);
    expect(held.length).toBeGreaterThan(0);
    console.log(`killed worker ${victim!.pid} holding ${held.join(', ')} at ${before.tilesDone}/${before.tilesTotal} tiles`);

    const batch = await h.waitForBatch(batchId, 75_000);
    expect(batch.status, JSON.stringify(batch.slides[0])).toBe('done');
    const done = batch.slides[0];
    expect(done.tilesDone).toBe(done.tilesTotal);
    expect(done.tilesTotal).toBeGreaterThan(20);

    // the killed worker's jobs were taken over and finished by the survivor
    for (const id of held) {
      const job = await h.service.queues.tiles.getJob(id);
      expect(job?.queueName).toBe(TILES_QUEUE);
      expect(await job!.getState()).toBe('completed');
      expect(job!.attemptsStarted).toBeGreaterThanOrEqual(2);
      expect(job!.processedBy).not.toMatch(new RegExp(`:${victim!.pid}$`));
    }

    const db = h.service.store.executor;
    const { rows } = await db.query<{ n: number; total: number }>(
      'SELECT (SELECT count(*)::int FROM tile_results WHERE analysis_id = $1) AS n, tiles_total AS total FROM analyses WHERE id = $1',
      [done.analysisId],
    );
    expect(rows[0].n).toBe(rows[0].total);
    const { scores } = await serviceScores(h, done.analysisId!);
    const dets = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM detections WHERE analysis_id = $1', [done.analysisId]);
    expect(dets.rows[0].n).toBe(scores.cells);
    expect(scores).toEqual((await embeddedScores(f('many-tiles.tif'), params)).scores);
  });

  // Issue 14 point 3: the same slide submitted in two batches at the same moment, through two API
  // instances sharing one store and one queue: both complete and report it, analysed once
  it('the same slide in two batches at once, through two API instances: both complete, one analysis run, embedded scores', async () => {
    const second = await openService(h.config);
    const other = await buildServer({
      store: second.store,
      tokens: new TokenStore(second.store.executor),
      audit: new ApiAuditLog(second.store.executor),
      batches: queueBatchService(second.batches, (request) => submitBatch(second, request)),
      config: h.config,
    });
    const apis = [api, other];
    const token = submitterToken;
    try {
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
        [f('shared.tif')],
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
      // the tile jobs ran once: one per 3 tiles (TILE_BATCH_SIZE), whichever batch planned first
      const completed = await h.service.queues.tiles.getJobs(['completed']);
      expect(completed.filter((j) => j.data.analysisId === shared.analysisId).length).toBe(Math.ceil(tiles.rows[0].total / 3));

      const executor = inlineExecutor();
      try {
        const embedded = await analyseSlide({ path: f('shared.tif'), params: resolveParams({ tileSize: 512 }), executor, metadata: { marker: 'CD163' } });
        if (!embedded.ok) throw new Error(embedded.error);
        const row = (await h.service.store.listScores()).find((r) => r.analysisId === shared.analysisId)!;
        expect(row.scores).toEqual(embedded.scores);
        expect(embedded.scores.cells).toBeGreaterThan(20);
      } finally {
        await executor.close();
      }
    } finally {
      await other.close();
      await second.close();
    }
  }, 150_000);

  // Issue 14 point 1 through the service (the full corpus: bench/soak/hostile-service.ts)
  it('crafted hostile files of every reader backend: each fails alone, typed and naming itself; the workers live on', async () => {
    const into = await mkdtemp(path.join(dir, 'hostile-'));
    const goods = await writeGoodSlides(into, 5, ['ndpi', 'scn', 'bif', 'mrxs', 'dicom']);
    const crafted = (await writeCraftedCorpus(into, goodSetOf(goods), { bombs: false, sample: true })).filter((x) => !x.analyses && SlideMetadata.safeParse(x.metadata).success);
    // three of each backend (builtin TIFF, OpenSlide, sharp, DICOM)
    const backends = [...new Set(crafted.map((x) => x.backend))];
    expect(backends.length).toBeGreaterThanOrEqual(4);
    const picked = backends.flatMap((b) => crafted.filter((x) => x.backend === b).slice(0, 3));
    const alive = () => h.workers.filter((w) => w.exitCode === null && w.signalCode === null).length;
    // the SIGKILL test above leaves one
    const before = alive();
    const { batchId } = await submitBatch(h.service, {
      createdBy: 'cli',
      params: { tileSize: 512 },
      slides: [...picked.map((x) => ({ path: x.path, metadata: x.metadata })), { path: goods[0], metadata: { mpp: 0.5 } }],
    });
    const batch = await h.waitForBatch(batchId, 90_000);
    const hostile = batch.slides.slice(0, picked.length);
    for (const [i, s] of hostile.entries()) {
      expect([s.status, s.code === 'INTERNAL'], `${picked[i].kind}: ${s.error}`).toEqual(['failed', false]);
      // a DICOM series is a folder: its error names the file in it
      expect(s.error!.startsWith(picked[i].path), s.error!).toBe(true);
    }
    expect(batch.slides.at(-1)!.status).toBe('done');
    expect(before).toBeGreaterThan(0);
    expect(alive()).toBe(before);
  });

  it('a worker stops on SIGTERM with exit code 0', async () => {
    const alive = h.workers.filter((w) => w.exitCode === null && w.signalCode === null);
    expect(alive.length).toBeGreaterThan(0);
    const started = Date.now();
    await stopProcess(alive[0]);
    expect(alive[0].exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
