import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreConflictError, StoreInputError, StoreNotFoundError } from '../../src/errors/index.js';
import type { ReviewRegion } from '../../src/domain/review.js';
import type { AreaGrid } from '../../src/domain/area-grid.js';
import { analysisInput, fibre, scoresOf, slideInput, tile } from './fixtures.js';
import type { SignOffInput, Store } from '../../src/store/store.js';
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

  describe(`corrections, review states, sign-off and audit on ${name}`, () => {
    let db: OpenedStore;
    let store: Store;
    let slideId: number;
    let analysisId: number;
    const tiles = () => [tile(0, 5), { ...tile(1, 3), fibres: [fibre(1, 0, false), fibre(1, 1, false)] }];
    const signed = (over: Partial<SignOffInput> = {}): SignOffInput => ({ regionVersion: 0, correctionSeq: 0, corrections: 0, scores: scoresOf(tiles(), 0.505), markerScores: null, qc: null, ...over });
    beforeAll(async () => {
      db = await open();
      store = db.store;
      slideId = await store.upsertSlide(slideInput('review-states', { patient: 'P9', timepoint: 'baseline', marker: 'CD3' }));
      analysisId = (await store.beginAnalysis(analysisInput(slideId, 2))).analysisId;
      await store.saveTileResults(analysisId, tiles());
      await store.finishAnalysis(analysisId, scoresOf(tiles(), 0.505));
    });
    afterAll(async () => {
      await db?.cleanup();
    });

    it('a finished analysis starts analysed, version 0, with nothing signed and no audit rows', async () => {
      expect(await store.getReview(analysisId)).toEqual({ analysisId, state: 'analysed', version: 0, signOffs: [] });
      expect(await store.listAudit(analysisId)).toEqual([]);
      expect((await store.listScores({ slideId }))[0].review).toEqual({ state: 'analysed', version: 0, corrections: 0 });
    });

    it('corrections append with the next seq, author and time; an add names its cell added:<seq>; the first one starts the review', async () => {
      const before = Date.now();
      const a = await store.addCorrection(analysisId, { kind: 'reclassify', target: 'cell:0:4', grade: 2 }, 'token:3');
      const b = await store.addCorrection(analysisId, { kind: 'add', x: 1000, y: 2000.5, grade: 1, location: 'perimysial' }, 'token:3');
      const c = await store.addCorrection(analysisId, { kind: 'fibre', target: 'fibre:1:1', mhc1Positive: true }, 'cli');
      const d = await store.addCorrection(analysisId, { kind: 'reclassify', target: 'cell:0:4', grade: 0 }, 'cli');
      expect([a, b, c, d].map((x) => [x.seq, x.kind, x.target, x.author])).toEqual([
        [1, 'reclassify', 'cell:0:4', 'token:3'],
        [2, 'add', 'added:2', 'token:3'],
        [3, 'fibre', 'fibre:1:1', 'cli'],
        [4, 'reclassify', 'cell:0:4', 'cli'],
      ]);
      expect(b.payload).toEqual({ x: 1000, y: 2000.5, grade: 1, location: 'perimysial' });
      expect(a.createdAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);
      expect((await store.listCorrections(analysisId)).map((x) => x.seq)).toEqual([1, 2, 3, 4]);
      expect((await store.listCorrections(analysisId, 2)).map((x) => x.seq)).toEqual([1, 2]);
      expect(await store.getReview(analysisId)).toMatchObject({ state: 'in_review', version: 1 });
      // the algorithm's rows are untouched
      expect((await store.getTileResults(analysisId))[0].detections[4].grade).toBe(tiles()[0].detections[4].grade);
    });

    it('refuses a target the analysis lacks, a bad grade and an unfinished analysis, storing nothing', async () => {
      const err = (p: Promise<unknown>) => p.catch((e: unknown) => e);
      expect(await err(store.addCorrection(analysisId, { kind: 'delete', target: 'cell:0:5' }, 'cli'))).toBeInstanceOf(StoreNotFoundError);
      expect(await err(store.addCorrection(analysisId, { kind: 'fibre', target: 'fibre:0:0', mhc1Positive: true }, 'cli'))).toBeInstanceOf(StoreNotFoundError);
      expect(await err(store.addCorrection(analysisId, { kind: 'delete', target: 'added:1' }, 'cli'))).toBeInstanceOf(StoreNotFoundError);
      const bad = await err(store.addCorrection(analysisId, { kind: 'reclassify', target: 'cell:0:1', grade: 5 }, 'cli'));
      expect(bad).toBeInstanceOf(StoreInputError);
      expect((bad as Error).message).toMatch(/grade/);
      const running = (await store.beginAnalysis(analysisInput(slideId, 1, { compartment: 'nucleus' }))).analysisId;
      const conflict = await err(store.addCorrection(running, { kind: 'delete', target: 'cell:0:0' }, 'cli'));
      expect(conflict).toBeInstanceOf(StoreConflictError);
      expect((conflict as Error).message).toMatch(/is running; corrections are made on a finished analysis/);
      expect((await store.listCorrections(analysisId)).length).toBe(4);
    });

    it('sign-off freezes the region version, correction set and scores; a stale one and a wrong transition are refused', async () => {
      const stale = await store.changeReview(analysisId, { action: 'sign_off', author: 'token:3', signed: signed({ correctionSeq: 3 }) }).catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(StoreConflictError);
      expect((stale as Error).message).toMatch(/corrections up to 3, but the latest are 0 and 4/);
      const scores = { ...signed().scores, hScore: 142.5, cells: 9 };
      const status = await store.changeReview(analysisId, { action: 'sign_off', author: 'token:3', signed: signed({ correctionSeq: 4, corrections: 3, scores }) });
      expect(status).toMatchObject({ state: 'signed_off', version: 1, signOffs: [{ version: 1, author: 'token:3', regionVersion: 0, correctionSeq: 4, corrections: 3 }] });
      expect((await store.getSignOff(analysisId, 1))?.scores).toEqual(scores);
      expect(await store.getSignOff(analysisId, 2)).toBeUndefined();
      for (const action of ['start', 'sign_off'] as const) {
        const e = await store.changeReview(analysisId, action === 'start' ? { action, author: 'cli' } : { action, author: 'cli', signed: signed({ correctionSeq: 4 }) }).catch((x: unknown) => x);
        expect(e, action).toBeInstanceOf(StoreConflictError);
      }
      const edit = await store.addCorrection(analysisId, { kind: 'delete', target: 'cell:0:0' }, 'cli').catch((e: unknown) => e);
      expect((edit as Error).message).toMatch(/signed off \(version 1\); reopen it to edit/);
      const regions = await store.saveRegions(analysisId, { regions: [], author: 'cli' }).catch((e: unknown) => e);
      expect(regions).toBeInstanceOf(StoreConflictError);
      // the score rows carry the scores as signed, and ?signedOff lists them
      const row = (await store.listScores({ slideId, signedOff: true }))[0];
      expect(row.analysisId).toBe(analysisId);
      expect(row.review).toEqual({ state: 'signed_off', version: 1, corrections: 3 });
      expect(row.scores).toEqual(scores);
    });

    it('reopen starts the next version; a second sign-off keeps the first readable; the audit log appends one row per change', async () => {
      const auditBefore = await store.listAudit(analysisId);
      expect((await store.changeReview(analysisId, { action: 'reopen', author: 'token:4' })).version).toBe(2);
      expect((await store.listScores({ slideId, signedOff: true })).length).toBe(0);
      await store.addCorrection(analysisId, { kind: 'revert', target: 'cell:0:4' }, 'token:4');
      await store.changeReview(analysisId, { action: 'sign_off', author: 'token:4', signed: signed({ correctionSeq: 5, corrections: 2 }) });
      expect((await store.getSignOff(analysisId, 1))?.scores.hScore).toBe(142.5);
      expect((await store.getReview(analysisId)).signOffs.map((s) => [s.version, s.correctionSeq])).toEqual([[1, 4], [2, 5]]);
      const audit = await store.listAudit(analysisId);
      expect(audit.slice(0, auditBefore.length)).toEqual(auditBefore);
      expect(audit.map((e) => [e.action, e.actor, e.state, e.version])).toEqual([
        ['review.start', 'token:3', 'in_review', 1],
        ['correction.add', 'token:3', 'in_review', 1],
        ['correction.add', 'token:3', 'in_review', 1],
        ['correction.add', 'cli', 'in_review', 1],
        ['correction.add', 'cli', 'in_review', 1],
        ['review.sign_off', 'token:3', 'signed_off', 1],
        ['review.reopen', 'token:4', 'in_review', 2],
        ['correction.add', 'token:4', 'in_review', 2],
        ['review.sign_off', 'token:4', 'signed_off', 2],
      ]);
      expect(audit[7]).toMatchObject({ target: 'cell:0:4', before: { kind: 'reclassify', grade: 0 }, after: { seq: 5, kind: 'revert', effect: null } });
    });

    it('re-analysis of the signed slide with the same parameters is a new analysis; the signed one keeps every row', async () => {
      const snapshot = async (id: number) => ({
        tiles: await store.getTileResults(id),
        analysis: await store.getAnalysis(id),
        review: await store.getReview(id),
        corrections: await store.listCorrections(id),
        stored: await db.sql<Record<string, unknown>>('SELECT * FROM slide_scores WHERE analysis_id = $1', [id]),
      });
      const before = await snapshot(analysisId);
      const again = await store.beginAnalysis(analysisInput(slideId, 2));
      expect(again.reused).toBe(false);
      expect(again.analysisId).not.toBe(analysisId);
      const redo = [tile(0, 2, 1), tile(1, 1, 1)];
      await store.saveTileResults(again.analysisId, redo);
      await store.finishAnalysis(again.analysisId, scoresOf(redo, 0.505));
      expect(await snapshot(analysisId)).toEqual(before);
      // a late finish of the reviewed analysis is refused rather than replacing what was signed
      const late = await store.finishAnalysis(analysisId, scoresOf(redo, 0.505)).catch((e: unknown) => e);
      expect(late).toBeInstanceOf(StoreConflictError);
      expect(await snapshot(analysisId)).toEqual(before);
      // both are listed, each with its own review; the new one is unreviewed, so a re-run of it reuses it
      const rows = await store.listScores({ slideId, paramsHash: analysisInput(slideId, 2).paramsHash });
      expect(rows.map((r) => [r.analysisId, r.review.state, r.scores.cells])).toEqual([
        [analysisId, 'signed_off', 8], // version 2 was signed with the uncorrected scores
        [again.analysisId, 'analysed', 3],
      ]);
      expect(await store.beginAnalysis(analysisInput(slideId, 2))).toMatchObject({ analysisId: again.analysisId, reused: true });
      const runs = await db.sql<{ run: number }>('SELECT run FROM analyses WHERE slide_id = $1 AND params_hash = $2 ORDER BY run', [slideId, analysisInput(slideId, 2).paramsHash]);
      expect(runs.map((r) => r.run)).toEqual([1, 2]);
    });
  });
}
