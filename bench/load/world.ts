import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveParams } from '../../src/domain/params.js';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import { openHarness, TEST_REDIS_URL, type Harness } from '../../src/service/local-cluster.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { TokenStore } from '../../src/store/token-store.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';
import { startLoadServer, type LoadServer } from './server-process.js';

/**
 * What the load runs against, in service-mode topology: `serve` in its own process on PostgreSQL
 * (a fresh schema of its own) and Redis (a prefix of its own), no workers (submitted jobs stay on
 * the queue, where they are counted), one real analysed slide for the Deep Zoom tiles and more
 * finished analyses so GET /scores answers real rows.
 */
export interface LoadWorld {
  harness: Harness;
  server: LoadServer;
  /** the slide file POST /batches submits (relative to SLIDES_ROOT) */
  submitFile: string;
  /** the analysed slide the tile route reads */
  slideId: number;
  slideSize: { width: number; height: number };
  /** finished analyses in the store, each a GET /scores row */
  scoreRows: number;
  readerToken: string;
  submitterToken: string;
  submitterId: number;
  close(): Promise<void>;
}

const PATIENTS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `copies` more slides (one per patient and timepoint) with the analysed slide's stored result. */
async function seedCopies(store: SqlStore, analysisId: number, copies: number, size: { width: number; height: number }): Promise<void> {
  const source = await store.getAnalysis(analysisId);
  const row = (await store.listScores()).find((r) => r.analysisId === analysisId);
  if (!source || !row) throw new Error(`analysis ${analysisId} is not stored`);
  const tiles = await store.getTileResults(analysisId);
  for (let i = 0; i < copies; i++) {
    const metadata = { patient: `P${PATIENTS[i % 26]}${Math.floor(i / 26) + 1}`, timepoint: i % 2 === 0 ? 'baseline' : 'month-6', marker: row.marker ?? 'CD163' };
    const slideId = await store.upsertSlide({
      sha256: createHash('sha256').update(`load-copy-${i}`).digest('hex'),
      path: row.path,
      format: row.format,
      ...size,
      mpp: row.slideMpp,
      mppSource: 'file',
      metadata,
    });
    const { analysisId: copy } = await store.beginAnalysis({ ...source, slideId, modelId: source.modelId });
    await store.saveTileResults(copy, tiles);
    await store.finishAnalysis(copy, row.scores, row.markerScores ?? undefined, row.qc ?? undefined);
  }
}

/** `slide`: size of the analysed slide (default 1000×900 px); smaller starts faster (a smoke run). */
export async function openLoadWorld(options: { scoreRows: number; slide?: { width: number; height: number }; logLevel?: string }): Promise<LoadWorld> {
  const size = options.slide ?? { width: 1000, height: 900 };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-load-'));
  const slides = path.join(dir, 'slides');
  await mkdir(slides);
  const harness = await openHarness({ SLIDES_ROOT: slides });
  // the API starts (seconds of module loading) while the slide is written and analysed
  const starting = startLoadServer({
    REDIS_URL: TEST_REDIS_URL,
    DATABASE_URL: harness.databaseUrl,
    QUEUE_PREFIX: harness.prefix,
    SLIDES_ROOT: slides,
    LOG_LEVEL: options.logLevel ?? 'warn',
    HOST: '127.0.0.1',
  });
  starting.catch(() => undefined);
  try {
    const store = harness.service.store;
    const file = path.join(slides, 'load-slide.tif');
    await writeSyntheticSlide(makeScene({ seed: 41, ...size }), file, 'pyramidal-tiff');
    const executor = inlineExecutor();
    let analysisId: number | undefined;
    try {
      const o = await analyseSlide({ path: file, metadata: { patient: 'P00', timepoint: 'baseline', marker: 'CD163' }, params: resolveParams({ tileSize: 512 }), executor, store });
      if (!o.ok) throw new Error(`the load slide did not analyse: ${o.error}`);
      analysisId = o.analysisId;
    } finally {
      await executor.close();
    }
    if (analysisId === undefined) throw new Error('the load slide analysis was not stored');
    await seedCopies(store, analysisId, Math.max(0, options.scoreRows - 1), size);
    const slideId = (await store.getAnalysis(analysisId))!.slideId;

    const tokens = new TokenStore(store.executor);
    const reader = await tokens.createToken('reader', 'load bench reader');
    const submitter = await tokens.createToken('submitter', 'load bench submitter');
    const server = await starting;
    return {
      harness,
      server,
      submitFile: 'load-slide.tif',
      slideId,
      slideSize: size,
      scoreRows: options.scoreRows,
      readerToken: reader.token,
      submitterToken: submitter.token,
      submitterId: submitter.id,
      close: async () => {
        await server.stop();
        await harness.cleanup();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await starting.then((server) => server.stop(), () => undefined);
    await harness.cleanup();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
