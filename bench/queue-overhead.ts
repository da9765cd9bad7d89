// npx tsx bench/queue-overhead.ts — what one queue job costs next to the tiles it analyses.
//
// Overhead: real slide flows (FlowProducer, Redis) whose analyse-tiles children run through the
// real tile-batch processor on a BullMQ Worker with the real PostgreSQL store, but with a no-op
// executor returning an empty tile result: what is left is enqueue, dequeue and lock, payload
// parsing, the slide status check, per-tile progress, the tile upsert and job completion.
// Work: the same processor (analyseTileBatch, inline) on 1024² tiles of a synthetic pyramidal TIFF.
// Prints the overhead share for a few batch sizes; the default (src/queue/policy.ts) is the
// smallest one under 5%. Needs Redis and PostgreSQL (REDIS_URL, BENCH_DATABASE_URL).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'bullmq';
import pg from 'pg';
import type { TileResult } from '../src/domain/detection.js';
import type { TileBatchJob } from '../src/domain/job.js';
import { paramsHash, resolveParams } from '../src/domain/params.js';
import { inlineExecutor, type TileExecutor } from '../src/pipeline/executor.js';
import { prepareSlide } from '../src/pipeline/prepare-slide.js';
import { redisConnection } from '../src/queue/connection.js';
import { buildSlideFlow } from '../src/queue/flow.js';
import { TILES_QUEUE } from '../src/queue/names.js';
import { DEFAULT_TILE_BATCH } from '../src/queue/policy.js';
import { openQueues } from '../src/queue/queues.js';
import { BatchStore } from '../src/store/batch-store.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { makeScene } from '../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../src/synthetic/write-slide.js';
import { HDAB_DEFAULT } from '../src/stain/vectors.js';
import { tileBatchProcessor } from '../workers/tile-batch.worker.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const JOBS = Number(process.env.JOBS ?? 150);
const BATCH_SIZES = [1, 2, 4, 8];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** ms per tile of the real analysis (read region + analyseTile) on 1024² cores. */
async function tileWork(): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-bench-queue-'));
  const executor = inlineExecutor();
  try {
    const file = path.join(dir, 'bench.tif');
    await writeSyntheticSlide(makeScene({ seed: 5, width: 2048, height: 2048 }), file, 'pyramidal-tiff');
    const { jobs } = await prepareSlide({ path: file, metadata: {}, params: resolveParams({}), batchSize: () => 1 });
    await executor.run(jobs[0]); // warm-up: JIT, slide cache
    const ms: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (const job of jobs) {
        const t = performance.now();
        await executor.run(job);
        ms.push(performance.now() - t);
      }
    }
    return median(ms);
  } finally {
    await executor.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** ms per job of everything but the analysis, for jobs of `size` tiles (worker concurrency 1). */
async function jobOverhead(size: number): Promise<number> {
  const tag = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const prefix = `bqbench-${tag}`;
  const schema = `bench_${tag}`;
  const store = await openPostgresStore({ connectionString: DATABASE_URL, schema, max: 4 });
  const batches = new BatchStore(store.executor);
  const queues = openQueues({ REDIS_URL, QUEUE_PREFIX: prefix });
  const connection = redisConnection(REDIS_URL);
  const params = resolveParams({});
  const tiles = JOBS * size;
  const noop: Pick<TileExecutor, 'run' | 'close' | 'concurrency'> = {
    concurrency: 1,
    close: async () => undefined,
    run: async (job: TileBatchJob): Promise<TileResult[]> =>
      job.tiles.map((t) => ({ tileId: t.id, detections: [], tissuePixels: 0, dabPositivePixels: 0, pixelGradeCounts: [0, 0, 0, 0] })),
  };
  let worker: Worker | undefined;
  try {
    const { slideIds } = await batches.createBatch({ createdBy: 'bench', params, slides: [{ path: '/bench.tif', metadata: {} }] });
    const slideId = await store.upsertSlide({ sha256: 'b'.repeat(64), path: '/bench.tif', format: 'tiff', width: 1, height: 1, mpp: 0.5, mppSource: 'file', metadata: {} });
    const { analysisId } = await store.beginAnalysis({
      slideId, paramsHash: paramsHash(params), params, stain: { ...HDAB_DEFAULT },
      codeVersion: 'bench', modelId: null, mpp: 0.5, level: 0, tilesTotal: tiles,
    });
    const job = (first: number): TileBatchJob => ({
      slidePath: '/bench.tif', level: 0, mpp: 0.5, stain: { ...HDAB_DEFAULT }, i0: 250, params,
      tiles: Array.from({ length: size }, (_, k) => ({ id: first + k, read: { x0: 0, y0: 0, x1: 1, y1: 1 }, core: { x0: 0, y0: 0, x1: 1, y1: 1 } })),
    });
    const jobs = Array.from({ length: JOBS }, (_, j) => job(j * size));
    const aggregate = { batchSlideId: slideIds[0], analysisId, runStartedMs: Date.now(), slidePath: '/bench.tif', metadata: {}, params, level: 0, mpp: 0.5, stain: { ...HDAB_DEFAULT }, i0: 250, tileCount: tiles };

    const t0 = performance.now();
    await buildSlideFlow(queues.flows, { aggregate, jobs });
    let done = 0;
    const finished = new Promise<void>((resolve) => {
      worker = new Worker(TILES_QUEUE, tileBatchProcessor({ store, batches, executor: noop }), { connection, prefix, concurrency: 1 });
      worker.on('completed', () => {
        if (++done === JOBS) resolve();
      });
      worker.on('failed', (_j, err) => {
        throw err;
      });
    });
    await finished;
    const ms = (performance.now() - t0) / JOBS;
    const saved = await store.getAnalysis(analysisId);
    if (saved?.tilesDone !== tiles) throw new Error(`expected ${tiles} tiles saved, found ${saved?.tilesDone}`);
    return ms;
  } finally {
    await worker?.close();
    await queues.close();
    // this run's queue keys
    const keys = await connection.keys(`${prefix}:*`);
    if (keys.length > 0) await connection.del(...keys);
    await connection.quit();
    await store.close();
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

const workMs = await tileWork();
console.log(`tile analysis (1024² core + overlap, read + analyse, inline): ${workMs.toFixed(1)} ms/tile (median)`);
console.log(`job overhead (flow enqueue, dequeue, parse, status check, progress per tile, upsert, complete), ${JOBS} jobs each:`);
console.log('tiles/job  overhead ms/job  work ms/job  overhead share');
for (const size of BATCH_SIZES) {
  const overhead = await jobOverhead(size);
  const work = size * workMs;
  const share = (100 * overhead) / (overhead + work);
  const mark = size === DEFAULT_TILE_BATCH ? '  ← default' : '';
  console.log(`${String(size).padStart(9)}  ${overhead.toFixed(2).padStart(15)}  ${work.toFixed(0).padStart(11)}  ${share.toFixed(2).padStart(13)} %${mark}`);
}
