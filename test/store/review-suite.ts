import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreConflictError, StoreInputError, StoreNotFoundError } from '../../src/errors/index.js';
import type { ReviewRegion } from '../../src/domain/review.js';
import type { AreaGrid } from '../../src/domain/area-grid.js';
import { analysisInput, slideInput, tile } from './fixtures.js';
import type { OpenedStore } from './store-suite.js';

const square = (x: number, y: number, s: number): ReviewRegion['polygon'] => [[x, y], [x + s, y], [x + s, y + s], [x, y + s]];

/** Regions and exclusions per analysis (issue 12): versioned, author and time kept, old versions readable. */
export function reviewSuite(name: string, open: () => Promise<OpenedStore>): void {
  describe(`review regions on ${name}`, () => {
    let db: OpenedStore;
    let analysisId: number;
    beforeAll(async () => {
      db = await open();
      const slideId = await db.store.upsertSlide(slideInput('review-regions'));
      analysisId = (await db.store.beginAnalysis(analysisInput(slideId, 4))).analysisId;
    });
    afterAll(async () => {
      await db?.cleanup();
    });

    it('has no regions until some are saved', async () => {
      expect(await db.store.getRegions(analysisId)).toBeUndefined();
      expect(await db.store.listRegionVersions(analysisId)).toEqual([]);
    });

    it('every save is the next version; old versions read back exactly as saved, with author and time', async () => {
      const first: ReviewRegion[] = [{ kind: 'region', polygon: square(100.5, 200.25, 5000), name: 'Region*' }];
      const second: ReviewRegion[] = [...first, { kind: 'exclusion', polygon: [[10, 10], [900, 40], [300, 700]] }];
      const before = Date.now();
      const v1 = await db.store.saveRegions(analysisId, { regions: first, author: 'token:7' });
      const v2 = await db.store.saveRegions(analysisId, { regions: second, author: 'cli', baseVersion: 1 });
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect(v2.author).toBe('cli');
      expect(v1.createdAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);
      expect((await db.store.getRegions(analysisId))?.regions).toEqual(second);
      const old = await db.store.getRegions(analysisId, 1);
      expect(old).toMatchObject({ analysisId, version: 1, author: 'token:7', regions: first });
      expect(await db.store.getRegions(analysisId, 3)).toBeUndefined();
      expect((await db.store.listRegionVersions(analysisId)).map((v) => [v.version, v.author, v.regionCount])).toEqual([
        [1, 'token:7', 1],
        [2, 'cli', 2],
      ]);
    });

    it('an edit made on a stale version is refused and stores nothing', async () => {
      const err = await db.store.saveRegions(analysisId, { regions: [], author: 'cli', baseVersion: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreConflictError);
      expect((err as Error).message).toMatch(/version 1 but version 2 is the latest/);
      expect((await db.store.getRegions(analysisId))?.version).toBe(2);
    });

    it('bad polygons and unknown analyses are refused with the problem named', async () => {
      const bad = await db.store.saveRegions(analysisId, { regions: [{ kind: 'region', polygon: [[0, 0], [1, 1]] }], author: 'cli' }).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(StoreInputError);
      expect((bad as Error).message).toMatch(/regions\.0\.polygon: a polygon needs at least 3 vertices/);
      const nan = await db.store.saveRegions(analysisId, { regions: [{ kind: 'exclusion', polygon: [[0, 0], [1, Number.NaN], [2, 0]] }], author: 'cli' }).catch((e: unknown) => e);
      expect(nan).toBeInstanceOf(StoreInputError);
      const missing = await db.store.saveRegions(999_999, { regions: [], author: 'cli' }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(StoreNotFoundError);
    });

    it('a tile keeps its area grid through the store', async () => {
      const grid: AreaGrid = { blockPx: 32, bx0: 2, by0: 0, cols: 2, rows: 1, tissue: [100, 23], dabPositive: [4, 0], grade1: [3, 1], grade2: [2, 0], grade3: [1, 0] };
      const t = { ...tile(0, 3), areaGrid: grid };
      const plain = tile(1, 2);
      await db.store.saveTileResults(analysisId, [t, plain]);
      const back = await db.store.getTileResults(analysisId);
      expect(back[0].areaGrid).toEqual(grid);
      expect(back[1].areaGrid).toBeUndefined();
    });
  });
}
