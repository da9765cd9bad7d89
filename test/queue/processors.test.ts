import { UnrecoverableError, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlideFormatError } from '../../src/errors/index.js';
import { paramsHash, resolveParams } from '../../src/domain/params.js';
import type { TileExecutor } from '../../src/pipeline/executor.js';
import { BatchStore } from '../../src/store/batch-store.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { HDAB_DEFAULT } from '../../src/stain/vectors.js';
import { aggregateSlideProcessor } from '../../workers/aggregate-slide.worker.js';
import { tileBatchProcessor } from '../../workers/tile-batch.worker.js';
import { tile } from '../store/fixtures.js';

let store: SqlStore;
let batches: BatchStore;
const params = resolveParams({});

beforeAll(async () => {
  store = await openPgliteStore({ inMemory: true });
  batches = new BatchStore(store.executor);
});
afterAll(async () => {
  await store?.close();
});

/** A batch slide planned into an analysis of `tiles` tiles, as plan-slide leaves it. */
async function plannedSlide(name: string, tiles: number) {
  const path = `/s/${name}.tif`;
  const { slideIds } = await batches.createBatch({ createdBy: 'cli', params, slides: [{ path, metadata: {} }] });
  const slideId = await store.upsertSlide({ sha256: name.padEnd(64, '0').replace(/[^0-9a-f]/g, 'a'), path, format: 'tiff', width: 4096, height: 4096, mpp: 0.5, mppSource: 'file', metadata: {} });
  const { analysisId } = await store.beginAnalysis({
    slideId, paramsHash: paramsHash(params), params, stain: { ...HDAB_DEFAULT }, codeVersion: 'test', modelId: null, mpp: 0.5, level: 0, tilesTotal: tiles,
  });
  await batches.markRunning(slideIds[0], analysisId);
  return { batchSlideId: slideIds[0], analysisId, path };
}

function tileJob(s: { batchSlideId: number; analysisId: number; path: string }, ids: number[], attemptsMade = 0) {
  const data = {
    slidePath: s.path, level: 0, mpp: 0.5, stain: { ...HDAB_DEFAULT }, i0: 250, params, analysisId: s.analysisId, batchSlideId: s.batchSlideId,
    tiles: ids.map((id) => ({ id, read: { x0: 0, y0: 0, x1: 10, y1: 10 }, core: { x0: 0, y0: 0, x1: 10, y1: 10 } })),
  };
  const progress: unknown[] = [];
  const job = { id: 'j', name: 'analyse-tiles', data, attemptsMade, opts: { attempts: 5 }, updateProgress: async (p: unknown) => void progress.push(p) };
  return { job: job as unknown as Job, progress };
}

const executorOf = (run: TileExecutor['run']): Pick<TileExecutor, 'run'> => ({ run });
const resultsFor: TileExecutor['run'] = async (job) => job.tiles.map((t) => tile(t.id, 2));

describe('tile-batch processor', () => {
  it('saves its tiles, reports progress per tile, and a duplicate run counts nothing twice', async () => {
    const s = await plannedSlide('dup', 3);
    const process = tileBatchProcessor({ store, batches, executor: executorOf(resultsFor) });
    const { job, progress } = tileJob(s, [4, 9]);
    expect(await process(job)).toEqual({ tiles: 2, cells: 4 });
    expect(progress).toEqual([{ tilesDone: 1, tilesTotal: 2 }, { tilesDone: 2, tilesTotal: 2 }]);
    await process(tileJob(s, [4, 9]).job);
    expect((await store.getAnalysis(s.analysisId))?.tilesDone).toBe(2);
    expect(await store.getTileResults(s.analysisId)).toHaveLength(2);
  });

  it('a transient error is retried; on the last attempt the slide fails with it', async () => {
    const s = await plannedSlide('transient', 2);
    const process = tileBatchProcessor({ store, batches, executor: executorOf(async () => Promise.reject(new Error('worker thread crashed'))) });
    await expect(process(tileJob(s, [0], 0).job)).rejects.toThrow('worker thread crashed');
    expect((await batches.getSlide(s.batchSlideId))?.status).toBe('running');
    const last = process(tileJob(s, [0], 4).job);
    await expect(last).rejects.toThrow('worker thread crashed');
    await expect(last).rejects.not.toBeInstanceOf(UnrecoverableError);
    const row = (await batches.getBatch((await batches.getSlide(s.batchSlideId))!.batchId))!.slides[0];
    expect([row.status, row.code, row.error]).toEqual(['failed', 'INTERNAL', `${s.path}: worker thread crashed`]);
    expect((await store.getAnalysis(s.analysisId))?.status).toBe('failed');
  });

  it('a bad slide fails at once; its other batches are then skipped, and cannot overwrite the error', async () => {
    const s = await plannedSlide('corrupt', 6);
    const message = `${s.path}: tile at 0,0 is corrupt (truncated JPEG data)`;
    const failing = tileBatchProcessor({ store, batches, executor: executorOf(async () => Promise.reject(new SlideFormatError(message))) });
    // a sibling batch already running when the bad batch fails, whose own last attempt then fails
    const running = tileBatchProcessor({
      store,
      batches,
      executor: executorOf(async () => {
        await expect(failing(tileJob(s, [0, 1]).job)).rejects.toBeInstanceOf(UnrecoverableError);
        throw new Error('lost its database connection');
      }),
    });
    await expect(running(tileJob(s, [2, 3], 4).job)).rejects.toThrow('lost its database connection');
    expect((await batches.getSlide(s.batchSlideId))?.status).toBe('failed');
    const batch = await batches.getBatch((await batches.getSlide(s.batchSlideId))!.batchId);
    expect([batch?.slides[0].code, batch?.slides[0].error]).toEqual(['SLIDE_FORMAT', message]);
    expect((await store.listFailures()).find((f) => f.analysisId === s.analysisId)).toMatchObject({ code: 'SLIDE_FORMAT', error: message });

    // a batch that starts after the failure is not analysed at all
    let ran = 0;
    const later = tileBatchProcessor({ store, batches, executor: executorOf(async (j) => (ran++, resultsFor(j))) });
    expect(await later(tileJob(s, [4, 5]).job)).toEqual({ tiles: 0, cells: 0 });
    expect(ran).toBe(0);
  });
});

describe('aggregate-slide processor', () => {
  const aggregateJob = (s: { batchSlideId: number; analysisId: number; path: string }, tileCount: number) =>
    ({
      id: 'a', name: 'aggregate-slide', attemptsMade: 0, opts: { attempts: 5 },
      data: { batchSlideId: s.batchSlideId, analysisId: s.analysisId, runStartedMs: 1_700_000_000_000, slidePath: s.path, metadata: {}, params, level: 0, mpp: 0.5, stain: { ...HDAB_DEFAULT }, i0: 250, tileCount },
    }) as unknown as Job;

  it('scores the slide from its stored tiles and marks it done; a rerun changes nothing', async () => {
    const s = await plannedSlide('agg', 2);
    await store.saveTileResults(s.analysisId, [tile(1, 3), tile(6, 5)]);
    const process = aggregateSlideProcessor({ store, batches });
    const scores = await process(aggregateJob(s, 2));
    expect(scores).toMatchObject({ cells: 8 });
    expect((await batches.getSlide(s.batchSlideId))?.status).toBe('done');
    expect((await store.listScores()).find((r) => r.analysisId === s.analysisId)?.scores).toEqual(scores);
    expect(await process(aggregateJob(s, 2))).toEqual({ reason: 'already finished' });
  });

  it('refuses to score part of a slide', async () => {
    const s = await plannedSlide('part', 3);
    await store.saveTileResults(s.analysisId, [tile(0, 1)]);
    await expect(aggregateSlideProcessor({ store, batches })(aggregateJob(s, 3))).rejects.toThrow('1 of 3 tiles are stored; the slide is not scored from part of it');
  });
});
