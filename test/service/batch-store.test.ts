import type { FlowProducer } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetadataError, StoreInputError, StoreNotFoundError } from '../../src/errors/index.js';
import { paramsHash, resolveParams } from '../../src/domain/params.js';
import { aggregateTiles } from '../../src/score/aggregate-slide.js';
import { submitBatch } from '../../src/service/submit.js';
import { BatchStore, batchStatus } from '../../src/store/batch-store.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { analysisInput, slideInput, tile } from '../store/fixtures.js';

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

describe('batchStatus', () => {
  it.each([
    [{ queued: 3, running: 0, done: 0, failed: 0 }, 'queued'],
    [{ queued: 2, running: 1, done: 0, failed: 0 }, 'running'],
    [{ queued: 1, running: 0, done: 1, failed: 1 }, 'running'],
    [{ queued: 0, running: 0, done: 3, failed: 0 }, 'done'],
    [{ queued: 0, running: 0, done: 2, failed: 1 }, 'partial'],
    [{ queued: 0, running: 0, done: 0, failed: 2 }, 'failed'],
  ] as const)('%o → %s', (counts, want) => {
    expect(batchStatus(counts)).toBe(want);
  });
});

describe('BatchStore', () => {
  it('records a batch in submission order, all queued, with its parameters', async () => {
    const { batchId, slideIds } = await batches.createBatch({
      createdBy: 'token:7',
      params,
      slides: [
        { path: '/s/b.tif', metadata: { patient: 'P2' } },
        { path: '/s/a.tif', metadata: {} },
      ],
    });
    expect(slideIds).toHaveLength(2);
    const b = await batches.getBatch(batchId);
    expect(b?.status).toBe('queued');
    expect(b?.createdBy).toBe('token:7');
    expect(b?.paramsHash).toBe(paramsHash(params));
    expect(b?.slides.map((s) => [s.id, s.position, s.path, s.status, s.tilesDone, s.tilesTotal])).toEqual([
      [slideIds[0], 0, '/s/b.tif', 'queued', 0, 0],
      [slideIds[1], 1, '/s/a.tif', 'queued', 0, 0],
    ]);
    expect(b?.slides[0].metadata).toEqual({ patient: 'P2' });
    const rec = await batches.getSlide(slideIds[0]);
    expect(rec?.params).toEqual(params);
    expect(rec?.batchId).toBe(batchId);
  });

  it("keeps each slide's own parameters and lists the unsettled slides, for work lost from the queue", async () => {
    const own = resolveParams({ tileSize: 384 });
    const { slideIds } = await batches.createBatch({
      createdBy: 'cli',
      params,
      slides: [{ path: '/s/lost-a.tif', metadata: { marker: 'CD163' }, params: own }, { path: '/s/lost-b.tif', metadata: {} }, { path: '/s/lost-c.tif', metadata: {} }],
    });
    await batches.markFailed(slideIds[2], '/s/lost-c.tif: not a supported slide format', 'SLIDE_FORMAT');
    const mine = (rows: { id: number }[]) => rows.filter((r) => slideIds.includes(r.id));
    // just written: not yet quiet for a minute
    expect(mine(await batches.listUnsettledSlides(60_000))).toEqual([]);
    expect(mine(await batches.listUnsettledSlides(0))).toEqual([
      { id: slideIds[0], path: '/s/lost-a.tif', metadata: { marker: 'CD163' }, params: own, run: null },
      { id: slideIds[1], path: '/s/lost-b.tif', metadata: {}, params: null, run: null },
    ]);
  });

  it('reads progress from the slide analysis, and done/failed are final', async () => {
    const { batchId, slideIds } = await batches.createBatch({
      createdBy: 'cli',
      params,
      slides: [{ path: '/s/x.tif', metadata: {} }, { path: '/s/y.tif', metadata: {} }],
    });
    const slideId = await store.upsertSlide(slideInput('progress'));
    const { analysisId } = await store.beginAnalysis(analysisInput(slideId, 5));
    expect(await batches.markRunning(slideIds[0], analysisId)).toBe(true);
    await store.saveTileResults(analysisId, [tile(0, 3), tile(9, 2)]);
    let b = await batches.getBatch(batchId);
    expect(b?.status).toBe('running');
    expect([b?.slides[0].tilesDone, b?.slides[0].tilesTotal, b?.slides[0].analysisId]).toEqual([2, 5, analysisId]);

    await batches.markDone(slideIds[0], analysisId);
    await batches.markFailed(slideIds[1], '/s/y.tif: not a supported slide format', 'SLIDE_FORMAT');
    // a late duplicate job cannot reopen or rewrite a settled slide
    expect(await batches.markRunning(slideIds[0])).toBe(false);
    await batches.markFailed(slideIds[0], 'stale failure', 'INTERNAL');
    await batches.markDone(slideIds[1], analysisId);
    b = await batches.getBatch(batchId);
    expect(b?.status).toBe('partial');
    expect(b?.slides.map((s) => [s.status, s.error, s.code])).toEqual([
      ['done', null, null],
      ['failed', '/s/y.tif: not a supported slide format', 'SLIDE_FORMAT'],
    ]);
    const unknownSlide = batches.markDone(999_999, analysisId);
    await expect(unknownSlide).rejects.toThrow(/batch slide 999999 does not exist/);
    await expect(unknownSlide).rejects.toBeInstanceOf(StoreNotFoundError);
  });

  it('settles every batch slide sharing an analysis run from the run, whichever comes first', async () => {
    const slideId = await store.upsertSlide(slideInput('shared-run'));
    const two = async () => (await batches.createBatch({ createdBy: 'cli', params, slides: [{ path: '/s/shared.tif', metadata: {} }] })).slideIds[0];
    const [owner, joiner, late] = [await two(), await two(), await two()];
    const { analysisId } = await store.beginAnalysis(analysisInput(slideId, 1));
    await batches.markRunning(owner, analysisId);
    await batches.markRunning(joiner, analysisId);
    // still running: nothing to settle
    expect(await batches.settleAnalysisSlides(analysisId)).toBe(0);
    const results = [tile(0, 4)];
    await store.saveTileResults(analysisId, results);
    await store.finishAnalysis(analysisId, aggregateTiles(results, { mpp: 0.5 }));
    // the aggregate settles both slides linked to the run
    expect(await batches.settleAnalysisSlides(analysisId)).toBe(2);
    // a plan that linked itself after that settles itself from the finished run
    await batches.markRunning(late, analysisId);
    expect(await batches.settleAnalysisSlides(analysisId)).toBe(1);
    for (const id of [owner, joiner, late]) expect(await batches.getSlide(id)).toMatchObject({ status: 'done', analysisId });

    // a failed run fails every slide linked to it, with the run's error
    const other = await store.upsertSlide(slideInput('shared-failed'));
    const failed = await store.beginAnalysis(analysisInput(other, 2));
    const [a, b] = [await two(), await two()];
    await batches.markRunning(a, failed.analysisId);
    await batches.markRunning(b, failed.analysisId);
    await store.failAnalysis(failed.analysisId, '/s/shared.tif: tile 3 is corrupt', 'SLIDE_FORMAT');
    expect(await batches.settleAnalysisSlides(failed.analysisId)).toBe(2);
    for (const id of [a, b]) expect(await batches.getSlide(id)).toMatchObject({ status: 'failed' });
    const view = (await batches.listBatches('cli')).flatMap((x) => x.slides).filter((x) => x.analysisId === failed.analysisId);
    expect(view.map((x) => [x.error, x.code])).toEqual([
      ['/s/shared.tif: tile 3 is corrupt', 'SLIDE_FORMAT'],
      ['/s/shared.tif: tile 3 is corrupt', 'SLIDE_FORMAT'],
    ]);
  });

  it('lists batches newest first, by creator when asked', async () => {
    const mine = await batches.createBatch({ createdBy: 'token:42', params, slides: [{ path: '/s/m.tif', metadata: {} }] });
    const other = await batches.createBatch({ createdBy: 'token:43', params, slides: [{ path: '/s/o.tif', metadata: {} }] });
    const all = await batches.listBatches();
    expect(all[0].id).toBe(other.batchId);
    expect(all.map((b) => b.id)).toContain(mine.batchId);
    const only = await batches.listBatches('token:42');
    expect(only.map((b) => [b.id, b.createdBy, b.slides.length])).toEqual([[mine.batchId, 'token:42', 1]]);
    expect(await batches.getBatch(123_456)).toBeUndefined();
  });

  it('finds a finished analysis of the same slide, parameters and code only', async () => {
    const slideId = await store.upsertSlide(slideInput('reuse'));
    const a = analysisInput(slideId, 1);
    const { analysisId } = await store.beginAnalysis(a);
    expect(await batches.findDoneAnalysis(slideId, a.paramsHash, a.codeVersion)).toBeUndefined();
    await store.saveTileResults(analysisId, [tile(0, 4)]);
    await store.finishAnalysis(analysisId, aggregateTiles([tile(0, 4)], { mpp: 0.5 }));
    expect(await batches.findDoneAnalysis(slideId, a.paramsHash, a.codeVersion)).toBe(analysisId);
    expect(await batches.findDoneAnalysis(slideId, a.paramsHash, 'other-code')).toBeUndefined();
  });

  it('refuses malformed batches with the field named', async () => {
    await expect(batches.createBatch({ createdBy: 'cli', params, slides: [] })).rejects.toThrow(/slides: a batch needs at least one slide/);
    await expect(batches.createBatch({ createdBy: ' ', params, slides: [{ path: '/s/a.tif' }] })).rejects.toBeInstanceOf(StoreInputError);
    await expect(batches.createBatch({ createdBy: 'cli', params, slides: [{ path: '/s/a.tif', metadata: { mpp: -1 } }] })).rejects.toThrow(/slides\.0\.metadata\.mpp/);
  });
});

describe('submitBatch', () => {
  const config = { SLIDES_ROOT: '/data/slides' };

  it('queues one plan-slide job per slide, paths taken under SLIDES_ROOT', async () => {
    const added: { name: string; data: { batchSlideId: number; slidePath: string }; opts?: { jobId?: string } }[][] = [];
    const flows = { addBulk: async (jobs: never[]) => void added.push(jobs) } as unknown as FlowProducer;
    const { batchId } = await submitBatch({ batches, flows, config }, {
      createdBy: 'cli',
      slides: [{ path: 'P01/a.svs', metadata: { patient: 'P01' } }, { path: '/elsewhere/b.tif', metadata: {} }],
    });
    const b = await batches.getBatch(batchId);
    expect(b?.slides.map((s) => s.path)).toEqual(['/data/slides/P01/a.svs', '/elsewhere/b.tif']);
    expect(added).toHaveLength(1);
    expect(added[0].map((j) => [j.name, j.data.batchSlideId, j.data.slidePath, j.opts?.jobId])).toEqual(
      b!.slides.map((s) => ['plan-slide', s.id, s.path, `plan-${s.id}`]),
    );
    // the default parameters were resolved and stored with the batch
    expect(b?.paramsHash).toBe(paramsHash(resolveParams({})));
  });

  it('marks the slides failed when the queue cannot take them, and says so', async () => {
    const flows = { addBulk: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) } as unknown as FlowProducer;
    const before = (await batches.listBatches()).length;
    await expect(submitBatch({ batches, flows, config }, { createdBy: 'cli', slides: [{ path: 'a.tif', metadata: {} }] })).rejects.toThrow(/ECONNREFUSED/);
    const [b] = await batches.listBatches();
    expect((await batches.listBatches()).length).toBe(before + 1);
    expect(b.status).toBe('failed');
    expect(b.slides[0].code).toBe('QUEUE');
    expect(b.slides[0].error).toBe('could not queue the slide: connect ECONNREFUSED 127.0.0.1:6379');
  });

  it('refuses a malformed request before recording anything', async () => {
    const flows = { addBulk: async () => undefined } as unknown as FlowProducer;
    const before = (await batches.listBatches()).length;
    await expect(submitBatch({ batches, flows, config }, { createdBy: 'cli', slides: [] })).rejects.toBeInstanceOf(MetadataError);
    await expect(submitBatch({ batches, flows, config }, { createdBy: 'cli', slides: [{ path: 'a.tif', metadata: {} }], params: { tileSize: 3 } })).rejects.toThrow(
      /params\.tileSize/,
    );
    expect((await batches.listBatches()).length).toBe(before);
  });
});
