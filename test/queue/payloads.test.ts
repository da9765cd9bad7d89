import { describe, expect, it } from 'vitest';
import { TileBatchJob } from '../../src/domain/job.js';
import { resolveParams } from '../../src/domain/params.js';
import { AggregateSlideJob, PlanSlideJob, QueuedTileBatch } from '../../src/queue/payloads.js';
import { HDAB_DEFAULT } from '../../src/stain/vectors.js';

const params = resolveParams({});
const tileBatch = {
  slidePath: '/s/a.tif',
  level: 0,
  mpp: 0.5,
  stain: { ...HDAB_DEFAULT },
  i0: [241, 238, 244] as const,
  params,
  tiles: [{ id: 7, read: { x0: 0, y0: 0, x1: 100, y1: 100 }, core: { x0: 0, y0: 0, x1: 80, y1: 80 } }],
};

describe('queue payloads', () => {
  it('a queued tile batch is the embedded TileBatchJob plus where its results go', () => {
    const queued = QueuedTileBatch.parse({ ...tileBatch, analysisId: 3, batchSlideId: 9 });
    expect(queued.analysisId).toBe(3);
    // what the worker hands the unchanged tile processor parses as the embedded job, extras dropped
    const asEmbedded = TileBatchJob.parse(JSON.parse(JSON.stringify(queued)));
    expect(asEmbedded).toEqual(TileBatchJob.parse(tileBatch));
    expect('analysisId' in asEmbedded).toBe(false);
  });

  it('refuses a tile batch without its analysis, or with no tiles', () => {
    const noAnalysis = QueuedTileBatch.safeParse({ ...tileBatch, batchSlideId: 9 });
    expect(noAnalysis.success).toBe(false);
    expect(noAnalysis.error?.issues[0].path).toEqual(['analysisId']);
    const noTiles = QueuedTileBatch.safeParse({ ...tileBatch, tiles: [], analysisId: 1, batchSlideId: 1 });
    expect(noTiles.error?.issues[0].path).toEqual(['tiles']);
  });

  it('an aggregate job carries the provenance and the tile count it must see', () => {
    const job = { batchSlideId: 1, analysisId: 2, runStartedMs: 1_700_000_000_000, slidePath: '/s/a.tif', metadata: { patient: 'P1' }, params, level: 1, mpp: 0.5, stain: { ...HDAB_DEFAULT }, i0: 250, tileCount: 12 };
    expect(AggregateSlideJob.parse(job)).toEqual(job);
    expect(AggregateSlideJob.safeParse({ ...job, tileCount: 0 }).error?.issues[0].path).toEqual(['tileCount']);
    expect(AggregateSlideJob.safeParse({ ...job, i0: 300 }).success).toBe(false);
    expect(AggregateSlideJob.safeParse({ ...job, stain: { ...HDAB_DEFAULT, source: 'guess' } }).error?.issues[0].path).toEqual(['stain', 'source']);
  });

  it('a plan job validates the slide metadata', () => {
    const job = { batchSlideId: 5, slidePath: '/s/a.jpg', metadata: { mpp: 0.25 }, params };
    expect(PlanSlideJob.parse(job)).toEqual(job);
    expect(PlanSlideJob.safeParse({ ...job, metadata: { mpp: -1 } }).error?.issues[0].path).toEqual(['metadata', 'mpp']);
    expect(PlanSlideJob.safeParse({ ...job, batchSlideId: 0 }).success).toBe(false);
  });
});
