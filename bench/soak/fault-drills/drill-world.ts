// The world every fault drill runs in (issue 14 part 2): a Redis and a PostgreSQL of its own
// (the drills restart them; the shared servers other tests use are never touched), a slide,
// and its scores from embedded mode, the truth every service-mode batch must end with.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { resolveParams, type AnalysisParams } from '../../../src/domain/params.js';
import type { SlideScores } from '../../../src/domain/scores.js';
import { analyseSlide } from '../../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../../src/pipeline/executor.js';
import type { MarkerScores } from '../../../src/score/marker-scores.js';
import { openHarness, type Harness } from '../../../src/service/local-cluster.js';
import { startOwnPostgres, startOwnRedis, type OwnRedis, type OwnServer } from '../../../src/service/own-servers.js';
import { submitBatch } from '../../../src/service/submit.js';
import type { BatchView } from '../../../src/store/batch-store.js';
import { makeScene } from '../../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../../src/synthetic/write-slide.js';

export const MARKER = 'CD163';
/** 256-pixel tiles: 16 tiles a slide, 3 to a job: enough jobs that a fault lands in the middle of the batch */
export const PARAMS_INPUT = { tileSize: 256 } as const;

export interface DrillWorld {
  redis: OwnRedis;
  postgres: OwnServer;
  /** the service on those servers: one schema, one queue prefix, worker processes */
  h: Harness;
  /** SLIDES_ROOT: the slides, and uploads under it */
  dir: string;
  slides: string[];
  params: AnalysisParams;
  /** embedded mode's scores for each slide */
  reference: Map<string, BothScores>;
  /** starts workers until `n` are alive (a drill may have stopped one) */
  ensureWorkers(n?: number): Promise<void>;
  close(): Promise<void>;
}

export interface BothScores {
  scores: SlideScores;
  markerScores: MarkerScores | null;
}

/**
 * The servers, the service with two worker processes (lock and stall checks short, as in the
 * SIGKILL test, so a lost worker's jobs come back within seconds), the slides and their
 * embedded-mode scores. Each drill then analyses its own copies of the slides (drillSlides).
 */
export async function openDrillWorld(): Promise<DrillWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-faults-'));
  const [redis, postgres] = await Promise.all([startOwnRedis(), startOwnPostgres()]);
  // lost jobs looked for every second (30 s in production)
  const h = await openHarness({ TILE_BATCH_SIZE: '3', SLIDES_ROOT: dir, LOST_JOBS_CHECK_MS: '1000' }, { redisUrl: redis.url, databaseUrl: postgres.url });
  const alive = () => h.workers.filter((w) => w.exitCode === null && w.signalCode === null).length;
  const ensureWorkers = async (n = 2) => {
    await Promise.all(Array.from({ length: Math.max(0, n - alive()) }, () => h.startWorker()));
  };
  const close = async () => {
    await h.cleanup().catch(() => undefined);
    await Promise.allSettled([redis.stop(), postgres.stop()]);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const starting = ensureWorkers();
    // one slide: a smaller batch shows each fault as well as a bigger one, and the file takes minutes
    const slides = [path.join(dir, 'slide-a.tif')];
    await writeSyntheticSlide(makeScene({ seed: 61, width: 1000, height: 900 }), slides[0], 'pyramidal-tiff');
    const params = resolveParams(PARAMS_INPUT);
    const reference = new Map<string, BothScores>();
    // one after another: inline executors share this thread's slide cache
    for (const slide of slides) reference.set(slide, await embeddedScores(slide, params));
    await starting;
    return { redis, postgres, h, dir, slides, params, reference, ensureWorkers, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * The world's slides copied for one drill with the drill's name appended after the last byte the
 * readers use: the same pixels (the drill checks its scores against embedded mode's on the
 * originals), a different content hash, so the store analyses them anew rather than answering
 * from an earlier drill's analysis.
 */
export async function drillSlides(world: DrillWorld, drill: string, into = world.dir): Promise<string[]> {
  const copies: string[] = [];
  for (const slide of world.slides) {
    const copy = path.join(into, `${drill}-${path.basename(slide)}`);
    await writeFile(copy, Buffer.concat([await readFile(slide), Buffer.from(`\0fault drill ${drill}\0`)]));
    copies.push(copy);
  }
  return copies;
}

/** the original a drill's copy was made from */
export function originalOf(world: DrillWorld, copy: string): string | undefined {
  return world.slides.find((s) => copy.endsWith(`-${path.basename(s)}`));
}

async function embeddedScores(file: string, params: AnalysisParams): Promise<BothScores> {
  const executor = inlineExecutor();
  try {
    const outcome = await analyseSlide({ path: file, params, executor, metadata: { marker: MARKER } });
    if (!outcome.ok) throw new Error(outcome.error);
    return { scores: outcome.scores, markerScores: outcome.markerScores };
  } finally {
    await executor.close();
  }
}

/** Submits the drill's copies of the slides as one batch. */
export async function submitDrillBatch(world: DrillWorld, drill: string): Promise<number> {
  const slides = (await drillSlides(world, drill)).map((p) => ({ path: p, metadata: { marker: MARKER } }));
  return (await submitBatch(world.h.service, { createdBy: 'fault-drill', params: PARAMS_INPUT, slides })).batchId;
}

/** Tiles saved so far across the batch. */
export const tilesDone = (b: BatchView) => b.slides.reduce((n, s) => n + s.tilesDone, 0);
export const finished = (b: BatchView) => b.status !== 'queued' && b.status !== 'running';

/**
 * Polls the batch until `until` holds. A poll that fails (the drill has the database down) is
 * tried again: the drill is about the service recovering, not this loop.
 */
export async function waitFor(world: DrillWorld, batchId: number, timeoutMs: number, until: (b: BatchView) => boolean = finished): Promise<BatchView> {
  const end = Date.now() + timeoutMs;
  let last: BatchView | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await world.h.service.batches.getBatch(batchId);
      if (!last) throw new Error(`batch ${batchId} does not exist`);
      if (until(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > end) {
      throw new Error(`batch ${batchId} not there after ${timeoutMs} ms: ${last ? JSON.stringify(last.slides) : String(lastError)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface DrillVerdict {
  batch: BatchView;
  /** every slide done, every tile saved */
  complete: boolean;
  /** every slide's stored scores deep-equal embedded mode's */
  identical: boolean;
  /** slides whose scores differ, with the first difference */
  mismatches: string[];
  /** jobs of either queue still waiting, delayed or active once the batch is done */
  jobsLeft: number;
  /** times a job was found stalled (its worker gone) and taken back */
  stalls: number;
}

/** How a drill's batch ended: complete? scores as embedded? anything left in the queues? */
export async function verdict(world: DrillWorld, batchId: number, timeoutMs: number): Promise<DrillVerdict> {
  const { h } = world;
  const batch = await waitFor(world, batchId, timeoutMs);
  const complete = batch.status === 'done' && batch.slides.every((s) => s.status === 'done' && s.tilesTotal > 0 && s.tilesDone === s.tilesTotal);
  const rows = await h.service.store.listScores();
  const mismatches: string[] = [];
  for (const slide of batch.slides) {
    const row = rows.find((r) => r.analysisId === slide.analysisId);
    const original = originalOf(world, slide.path);
    const want = original && world.reference.get(original);
    if (!row || !want) mismatches.push(`${path.basename(slide.path)}: ${row ? 'no reference' : 'no scores stored'}`);
    else if (!isDeepStrictEqual({ scores: row.scores, markerScores: row.markerScores }, want)) {
      mismatches.push(`${path.basename(slide.path)}: cells ${row.scores.cells} vs embedded ${want.scores.cells}`);
    }
  }
  // the batch reads done a moment before its last aggregate job reports completed
  let jobsLeft = Infinity;
  for (let i = 0; i < 100 && jobsLeft > 0; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 50));
    jobsLeft = 0;
    for (const q of [h.service.queues.slides, h.service.queues.tiles]) {
      const c = await q.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'waiting-children');
      jobsLeft += Object.values(c).reduce((a, b) => a + b, 0);
    }
  }
  // this batch's jobs only: earlier drills' jobs stay in the queues as evidence
  const ours = new Set(batch.slides.map((s) => s.id));
  let stalls = 0;
  for (const q of [h.service.queues.slides, h.service.queues.tiles]) {
    for (const job of await q.getJobs(['completed', 'failed'])) {
      if (ours.has((job.data as { batchSlideId?: number }).batchSlideId ?? -1)) stalls += job.stalledCounter ?? 0;
    }
  }
  return { batch, complete, identical: mismatches.length === 0, mismatches, jobsLeft, stalls };
}
