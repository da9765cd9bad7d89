import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/store/migrate.js';
import { StoreConflictError, StoreError, StoreInputError, StoreNotFoundError } from '../../src/errors/index.js';
import type { Store } from '../../src/store/store.js';
import { MarkerScores } from '../../src/score/marker-scores.js';
import {
  analysisInput,
  detection,
  exactDetection,
  exactTile,
  expectSameDetection,
  fibre,
  MARKER_SCORES,
  markerScores,
  scoresOf,
  sha,
  slideInput,
  tile,
} from './fixtures.js';

export interface OpenedStore {
  store: Store;
  /** raw SQL against the same database, for assertions the Store API does not expose */
  sql<T>(text: string, params?: unknown[]): Promise<T[]>;
  /** runs the migrations again on the same database */
  migrateAgain(): Promise<{ applied: number[]; version: number }>;
  cleanup(): Promise<void>;
}

/** Awaits a refusal once and checks its type (it decides the HTTP status) and its message. */
async function expectRefusal(p: Promise<unknown>, type: new (message: string) => StoreError, message: RegExp): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(type);
  expect((err as Error).message).toMatch(message);
}

/** The same behaviour is required of every backend: PGlite in memory and PostgreSQL. */
export function storeSuite(name: string, open: () => Promise<OpenedStore>): void {
  describe(`store on ${name}`, () => {
    let db: OpenedStore;
    let store: Store;
    beforeAll(async () => {
      db = await open();
      store = db.store;
    });
    afterAll(async () => {
      await db?.cleanup();
    });

    it('starts empty', async () => {
      expect(await store.counts()).toEqual({ slides: 0, slideFailures: 0, analyses: 0, tileResults: 0, detections: 0, scores: 0 });
    });

    it('migrations are recorded once and running them again applies nothing', async () => {
      const files = (await loadMigrations()).map((m) => m.version);
      expect(files.length).toBeGreaterThan(0);
      const before = await db.sql<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(before.map((r) => r.version)).toEqual(files);
      const again = await db.migrateAgain();
      expect(again).toEqual({ applied: [], version: files[files.length - 1] });
      const after = await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(after[0].n).toBe(files.length);
    });

    it('the same file content is the same slide; metadata follows the latest submission', async () => {
      const a = await store.upsertSlide(slideInput('upsert-a', { patient: 'P01', marker: 'CD163' }));
      const again = await store.upsertSlide({ ...slideInput('upsert-a', { patient: 'P01', marker: 'CD68', timepoint: 'm6' }), path: '/moved/a.tif' });
      const b = await store.upsertSlide(slideInput('upsert-b'));
      expect(again).toBe(a);
      expect(b).not.toBe(a);
      const rows = await db.sql<{ path: string; marker: string; timepoint: string; metadata: unknown }>(
        'SELECT path, marker, timepoint, metadata FROM slides WHERE id = $1',
        [a],
      );
      // the store's input schema makes names canonical too: 'm6' is stored as the study's month-6
      expect(rows).toEqual([{ path: '/moved/a.tif', marker: 'CD68', timepoint: 'month-6', metadata: { patient: 'P01', marker: 'CD68', timepoint: 'month-6' } }]);
      const n = await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM slides WHERE sha256 = $1', [sha('upsert-a')]);
      expect(n[0].n).toBe(1);
    });

    it('refuses bad input with a typed error naming the problem', async () => {
      await expect(store.upsertSlide({ ...slideInput('bad'), sha256: 'xyz' })).rejects.toThrow(/upsertSlide\(\/slides\/bad\.tif\).*sha256/);
      await expect(store.upsertSlide({ ...slideInput('bad'), mpp: -1 })).rejects.toBeInstanceOf(StoreInputError);
      const slideId = await store.upsertSlide(slideInput('bad-analysis'));
      const wrongHash = { ...analysisInput(slideId, 1), paramsHash: 'deadbeefdeadbeef' };
      await expectRefusal(store.beginAnalysis(wrongHash), StoreInputError, /paramsHash deadbeefdeadbeef does not match/);
      await expectRefusal(store.beginAnalysis(analysisInput(999_999, 1)), StoreNotFoundError, /slide 999999 does not exist/);
      await expectRefusal(store.saveTileResults(999_999, [tile(0, 1)]), StoreNotFoundError, /analysis 999999 does not exist/);
    });

    it('re-running an analysis with the same parameters reuses its row and replaces its results', async () => {
      const slideId = await store.upsertSlide(slideInput('rerun'));
      const first = await store.beginAnalysis(analysisInput(slideId, 3));
      expect(first.reused).toBe(false);
      const run1 = [tile(0, 40), tile(1, 25), tile(2, 7)];
      await store.saveTileResults(first.analysisId, run1);
      await store.finishAnalysis(first.analysisId, scoresOf(run1, 0.505));
      const done = await store.getAnalysis(first.analysisId);
      expect(done).toMatchObject({ status: 'done', tilesDone: 3, tilesTotal: 3, error: null });

      const perAnalysis = async (id: number) =>
        (
          await db.sql<{ tiles: number; dets: number; scores: number }>(
            `SELECT (SELECT count(*) FROM tile_results WHERE analysis_id = $1)::int AS tiles,
                    (SELECT count(*) FROM detections WHERE analysis_id = $1)::int AS dets,
                    (SELECT count(*) FROM slide_scores WHERE analysis_id = $1)::int AS scores`,
            [id],
          )
        )[0];
      expect(await perAnalysis(first.analysisId)).toEqual({ tiles: 3, dets: 72, scores: 1 });

      const second = await store.beginAnalysis(analysisInput(slideId, 3));
      expect(second).toMatchObject({ analysisId: first.analysisId, reused: true, joined: false });
      expect(await perAnalysis(first.analysisId)).toEqual({ tiles: 0, dets: 0, scores: 0 });
      expect(await store.getAnalysis(first.analysisId)).toMatchObject({ status: 'running', tilesDone: 0, finishedAt: null });

      // another batch submitting the slide while this run is going (service mode) joins it: the
      // same run, nothing wiped, the same start (which names its queue jobs)
      await store.saveTileResults(first.analysisId, [tile(0, 11, 1)]);
      const joiner = await store.beginAnalysis(analysisInput(slideId, 3), { joinRunning: true });
      expect(joiner).toEqual({ analysisId: first.analysisId, reused: false, joined: true, startedAt: second.startedAt });
      expect(await perAnalysis(first.analysisId)).toMatchObject({ tiles: 1 });

      const run2 = [tile(0, 11, 1), tile(1, 12, 1), tile(2, 13, 1)];
      // a finished run is not joined: findDone reuses it, or the next begin re-runs it
      await store.saveTileResults(first.analysisId, run2);
      await store.finishAnalysis(first.analysisId, scoresOf(run2, 0.505));
      expect(await perAnalysis(first.analysisId)).toEqual({ tiles: 3, dets: 36, scores: 1 });
      const listed = await store.listScores({ slideId });
      expect(listed).toHaveLength(1);
      expect(listed[0].scores.cells).toBe(36);

      // other parameters are another analysis of the same slide
      const other = await store.beginAnalysis(analysisInput(slideId, 1, { compartment: 'nucleus' }));
      expect(other.reused).toBe(false);
      expect(other.analysisId).not.toBe(first.analysisId);
      const rows = await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM analyses WHERE slide_id = $1', [slideId]);
      expect(rows[0].n).toBe(2);
    });

    it('saving the same tile twice counts it once, with the later values', async () => {
      const slideId = await store.upsertSlide(slideInput('retry'));
      const { analysisId } = await store.beginAnalysis(analysisInput(slideId, 2));
      await store.saveTileResults(analysisId, [tile(0, 30), tile(1, 5)]);
      await store.saveTileResults(analysisId, [tile(1, 8, 2)]);
      await store.saveTileResults(analysisId, [tile(1, 8, 2)]);
      const a = await store.getAnalysis(analysisId);
      expect(a?.tilesDone).toBe(2);
      const tiles = await store.getTileResults(analysisId);
      expect(tiles.map((t) => [t.tileId, t.detections.length, t.tissuePixels])).toEqual([
        [0, 30, tile(0, 30).tissuePixels],
        [1, 8, tile(1, 8, 2).tissuePixels],
      ]);
      expect(tiles[1].pixelGradeCounts).toEqual(tile(1, 8, 2).pixelGradeCounts);
      const dets = await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM detections WHERE analysis_id = $1', [analysisId]);
      expect(dets[0].n).toBe(38);
      await expectRefusal(store.saveTileResults(analysisId, [tile(2, 1)]), StoreConflictError, /analysis \d+ would hold 3 tiles, more than its 2/);
      await expectRefusal(store.saveTileResults(analysisId, [tile(0, 1), tile(0, 2)]), StoreInputError, /tile 0 appears twice/);
    });

    it('tile ids are grid positions: a plan that skips tiles without tissue saves ids past its tile count', async () => {
      const slideId = await store.upsertSlide(slideInput('sparse'));
      const { analysisId } = await store.beginAnalysis(analysisInput(slideId, 2));
      await store.saveTileResults(analysisId, [tile(3, 4), tile(47, 6)]);
      expect((await store.getAnalysis(analysisId))?.tilesDone).toBe(2);
      expect((await store.getTileResults(analysisId)).map((t) => t.tileId)).toEqual([3, 47]);
    });

    it('tiles saved concurrently are all counted (the queue saves batches in parallel)', async () => {
      const slideId = await store.upsertSlide(slideInput('concurrent'));
      const { analysisId } = await store.beginAnalysis(analysisInput(slideId, 8));
      const tiles = Array.from({ length: 8 }, (_, t) => tile(t, 50 + t));
      await Promise.all(tiles.map((t) => store.saveTileResults(analysisId, [t])));
      expect(await store.getAnalysis(analysisId)).toMatchObject({ tilesDone: 8 });
      await store.finishAnalysis(analysisId, scoresOf(tiles, 0.505));
      expect((await store.getDetections(analysisId)).length).toBe(tiles.reduce((s, t) => s + t.detections.length, 0));
    });

    it('detections and tile results round-trip with their values and order', async () => {
      const slideId = await store.upsertSlide(slideInput('roundtrip'));
      const { analysisId } = await store.beginAnalysis(analysisInput(slideId, 4, { compartment: 'nucleus' }));
      const saved = [tile(3, 9), tile(0, 17), tile(2, 0), tile(1, 4)];
      await store.saveTileResults(analysisId, saved);
      const byId = [...saved].sort((a, b) => a.tileId - b.tileId);
      const want = byId.flatMap((t) => t.detections);
      const got = await store.getDetections(analysisId);
      expect(got).toHaveLength(want.length);
      const mismatches = got.map((g, i) => expectSameDetection(g, want[i])).filter(Boolean);
      expect(mismatches).toEqual([]);

      const tiles = await store.getTileResults(analysisId);
      expect(tiles.map((t) => t.tileId)).toEqual([0, 1, 2, 3]);
      for (let i = 0; i < 4; i++) {
        const { detections: gd, ...gRest } = tiles[i];
        const { detections: wd, ...wRest } = byId[i];
        expect(gRest).toEqual(wRest);
        expect(gd.map((d, j) => expectSameDetection(d, wd[j])).filter(Boolean)).toEqual([]);
      }
      // the graded compartment of this analysis is the nucleus
      const od = await db.sql<{ dab_od: number; positive: boolean; grade: number }>(
        'SELECT dab_od, positive, grade FROM detections WHERE analysis_id = $1 AND tile_id = 0 ORDER BY seq LIMIT 3',
        [analysisId],
      );
      expect(od.map((r) => [Math.fround(r.dab_od), r.positive])).toEqual(
        [0, 1, 2].map((i) => [Math.fround(detection(0, i).dabNucleus), detection(0, i).grade >= 1]),
      );
    });

    it('a cell graded above its surround (IL-1) keeps dabSurround; dab_od is the compartment mean less it; absent stays absent', async () => {
      const slideId = await store.upsertSlide(slideInput('surround-roundtrip', { marker: 'IL-1b' }));
      const { analysisId } = await store.beginAnalysis(analysisInput(slideId, 5));
      const t = exactTile(0, 0, null);
      const withSurround = { ...exactDetection(0, 0, 'full'), dabSurround: 0.3125 };
      t.detections = [withSurround, exactDetection(0, 1, 'none')];
      await store.saveTileResults(analysisId, [t]);
      expect(await store.getDetections(analysisId)).toStrictEqual(t.detections);
      const rows = await db.sql<{ dab_od: number; dab_surround: number | null }>('SELECT dab_od, dab_surround FROM detections WHERE analysis_id = $1 ORDER BY seq', [analysisId]);
      // analysisInput grades on the nucleus
      expect(rows.map((r) => [Math.fround(r.dab_od), r.dab_surround === null ? null : Math.fround(r.dab_surround)])).toEqual([
        [Math.fround(withSurround.dabNucleus - 0.3125), 0.3125],
        [Math.fround(t.detections[1].dabNucleus), null],
      ]);
    });

    it('muscle detections and fibres round-trip exactly; absent muscle fields stay absent', async () => {
      const slideId = await store.upsertSlide(slideInput('muscle-roundtrip', { marker: 'MHC-I' }));
      const { analysisId } = await store.beginAnalysis(analysisInput(slideId, 5));
      const mixed = exactTile(4, 0, null);
      mixed.detections = [exactDetection(4, 0, 'full'), exactDetection(4, 1, 'location'), exactDetection(4, 2, 'none')];
      const noFibres = exactTile(1, 6, { fibres: 0 });
      const saved = [exactTile(2, 25, { fibres: 9 }), exactTile(0, 14, null), noFibres, exactTile(3, 0, { fibres: 3 }), mixed];
      expect(noFibres.fibres).toEqual([]);
      expect(saved[0].detections.map((d) => d.inFibre)).toContain(false);
      await store.saveTileResults(analysisId, saved);

      const byId = [...saved].sort((a, b) => a.tileId - b.tileId);
      // toStrictEqual: a key read back as undefined or null where none was written fails
      expect(await store.getTileResults(analysisId)).toStrictEqual(byId);
      expect(await store.getDetections(analysisId)).toStrictEqual(byId.flatMap((t) => t.detections));

      const tiles = await db.sql<{ tile_id: number; fibres: number | null }>(
        'SELECT tile_id, jsonb_array_length(fibres) AS fibres FROM tile_results WHERE analysis_id = $1 ORDER BY tile_id',
        [analysisId],
      );
      expect(tiles).toEqual([{ tile_id: 0, fibres: null }, { tile_id: 1, fibres: 0 }, { tile_id: 2, fibres: 9 }, { tile_id: 3, fibres: 3 }, { tile_id: 4, fibres: null }]);
      const cols = await db.sql<{ location: string | null; in_fibre: boolean | null }>(
        'SELECT location, in_fibre FROM detections WHERE analysis_id = $1 AND tile_id = 4 ORDER BY seq',
        [analysisId],
      );
      expect(cols).toEqual([
        { location: mixed.detections[0].location, in_fibre: mixed.detections[0].inFibre },
        { location: mixed.detections[1].location, in_fibre: null },
        { location: null, in_fibre: null },
      ]);

      // a retried tile replaces its fibres, and a retry without them leaves none behind
      const retried = exactTile(2, 3, { fibres: 1 });
      retried.fibres = [fibre(2, 7, true)];
      await store.saveTileResults(analysisId, [retried, exactTile(3, 2, null)]);
      const back = await store.getTileResults(analysisId);
      expect(back[2]).toStrictEqual(retried);
      expect(back[3]).toStrictEqual(exactTile(3, 2, null));
      expect('fibres' in back[3]).toBe(false);
      expect(await store.getAnalysis(analysisId)).toMatchObject({ tilesDone: 5 });
    });

    it('refuses a cell location outside the three, at the boundary and in the schema', async () => {
      const slideId = await store.upsertSlide(slideInput('muscle-bad-location'));
      const { analysisId } = await store.beginAnalysis(analysisInput(slideId, 1));
      const bad = exactTile(0, 2, { fibres: 1 });
      (bad.detections[1] as { location: string }).location = 'epimysial';
      await expect(store.saveTileResults(analysisId, [bad])).rejects.toThrow(
        new RegExp(`saveTileResults\\(analysis ${analysisId}\\): invalid input: 0\\.detections\\.1\\.location: `),
      );
      const noArea = exactTile(0, 0, { fibres: 1 });
      (noArea.fibres![0] as { areaUm2?: number }).areaUm2 = undefined;
      await expect(store.saveTileResults(analysisId, [noArea])).rejects.toThrow(/0\.fibres\.0\.areaUm2: /);
      await expect(
        db.sql(
          `INSERT INTO detections (analysis_id, tile_id, seq, x_um, y_um, grade, dab_od, dab_nucleus, dab_cytoplasm, dab_cell,
             hematoxylin_od, nucleus_area_um2, cell_area_um2, location) VALUES ($1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 10, 60, 'epimysial')`,
          [analysisId],
        ),
      ).rejects.toThrow(/detections_location_check/);
      expect(await store.getTileResults(analysisId)).toEqual([]);
    });

    it('finishAnalysis stores marker scores: score rows carry them exactly, null when none were given', async () => {
      const cases = [
        { name: 'ms-cd163', marker: 'CD163', ms: markerScores('cd163') },
        { name: 'ms-cd163-unlocated', marker: 'CD163', ms: markerScores('cd163Unlocated') },
        { name: 'ms-il1ra', marker: 'IL-1Ra', ms: markerScores('il1ra') },
        { name: 'ms-mhc1', marker: 'MHC-I', ms: markerScores('mhc1') },
        { name: 'ms-none', marker: 'CD3', ms: undefined },
      ];
      const ids = new Map<string, number>();
      for (const c of cases) {
        const slideId = await store.upsertSlide(slideInput(c.name, { patient: 'MS1', marker: c.marker }));
        const { analysisId } = await store.beginAnalysis(analysisInput(slideId, 1));
        const tiles = [exactTile(0, 5, { fibres: 2 })];
        await store.saveTileResults(analysisId, tiles);
        await store.finishAnalysis(analysisId, scoresOf(tiles, 0.505), c.ms);
        ids.set(c.name, slideId);
      }
      for (const c of cases) {
        const [row] = await store.listScores({ slideId: ids.get(c.name) });
        expect(row.markerScores, c.name).toStrictEqual(c.ms ?? null);
        if (row.markerScores) expect(MarkerScores.parse(row.markerScores)).toStrictEqual(row.markerScores);
      }
      const [cd163] = await store.listScores({ slideId: ids.get('ms-cd163') });
      expect(cd163.markerScores?.cd163?.positiveCellsPerMm2).toBe(62.8);
      expect(cd163.markerScores?.infiltrates?.byLocation.perivascular.gradeLabel).toBe('cluster');
      expect(cd163.markerScores?.infiltrates?.options.hpfAreaMm2).toBe(Math.PI * 0.55 * 0.55);
      const [mhc1] = await store.listScores({ slideId: ids.get('ms-mhc1') });
      expect(mhc1.markerScores?.mhc1?.percentPositive).toBe(8700 / 412);
      // the fixture is not mutated through the store
      expect(cases[0].ms).toStrictEqual(MARKER_SCORES.cd163);

      // re-running replaces the marker scores; finishing without any leaves none
      const slideId = ids.get('ms-mhc1')!;
      const again = await store.beginAnalysis(analysisInput(slideId, 1));
      expect(again.reused).toBe(true);
      const tiles = [exactTile(0, 5, { fibres: 2 })];
      await store.saveTileResults(again.analysisId, tiles);
      await store.finishAnalysis(again.analysisId, scoresOf(tiles, 0.505));
      expect((await store.listScores({ slideId }))[0].markerScores).toBeNull();
      await store.finishAnalysis(again.analysisId, scoresOf(tiles, 0.505), markerScores('mhc1'));
      expect((await store.listScores({ slideId }))[0].markerScores).toStrictEqual(MARKER_SCORES.mhc1);
    });

    it('refuses marker scores that do not fit the schema, naming the field, and stores nothing', async () => {
      const slideId = await store.upsertSlide(slideInput('ms-bad', { marker: 'MHC-I' }));
      const { analysisId } = await store.beginAnalysis(analysisInput(slideId, 1));
      const tiles = [exactTile(0, 3, { fibres: 1 })];
      await store.saveTileResults(analysisId, tiles);
      const badGrade = markerScores('mhc1');
      badGrade.mhc1!.grade = 7;
      await expect(store.finishAnalysis(analysisId, scoresOf(tiles, 0.505), badGrade)).rejects.toThrow(
        new RegExp(`finishAnalysis\\(analysis ${analysisId}\\): marker scores: invalid input: mhc1\\.grade: `),
      );
      const badMarker = { ...markerScores('mhc1'), marker: 'CD999' } as unknown as MarkerScores;
      await expect(store.finishAnalysis(analysisId, scoresOf(tiles, 0.505), badMarker)).rejects.toBeInstanceOf(StoreInputError);
      await expect(store.finishAnalysis(analysisId, scoresOf(tiles, 0.505), badMarker)).rejects.toThrow(/marker scores: invalid input: marker: /);
      expect(await store.getAnalysis(analysisId)).toMatchObject({ status: 'running' });
      expect(await db.sql('SELECT 1 FROM slide_scores WHERE analysis_id = $1', [analysisId])).toEqual([]);
    });

    it('stores failures: a failed analysis keeps its error; an unopenable file is listed until it opens', async () => {
      const slideId = await store.upsertSlide(slideInput('fails', { patient: 'P09' }));
      const { analysisId } = await store.beginAnalysis(analysisInput(slideId, 2));
      await store.saveTileResults(analysisId, [tile(0, 3)]);
      await expectRefusal(store.finishAnalysis(analysisId, scoresOf([tile(0, 3)], 0.5)), StoreConflictError, /has 1 of 2 tiles saved/);
      await store.failAnalysis(analysisId, '/slides/fails.tif: no tissue found', 'ANALYSIS');
      expect(await store.getAnalysis(analysisId)).toMatchObject({ status: 'failed', error: '/slides/fails.tif: no tissue found' });
      await expectRefusal(store.saveTileResults(analysisId, [tile(1, 1)]), StoreConflictError, /is failed; begin it again/);
      await expectRefusal(store.failAnalysis(999_999, 'x'), StoreNotFoundError, /analysis 999999 does not exist/);

      const broken = '/slides/broken.svs';
      const f1 = await store.recordSlideFailure({ path: broken, error: `${broken}: truncated TIFF`, code: 'SLIDE_FORMAT', metadata: { patient: 'P10' } });
      const f2 = await store.recordSlideFailure({ path: broken, error: `${broken}: still truncated`, code: 'SLIDE_FORMAT', metadata: { patient: 'P10' } });
      expect(f2).toBe(f1);
      const failures = await store.listFailures();
      const mine = failures.filter((f) => f.path === broken || f.analysisId === analysisId);
      expect(mine.map((f) => [f.kind, f.path, f.code, f.error, f.patient])).toEqual(
        expect.arrayContaining([
          ['slide', broken, 'SLIDE_FORMAT', `${broken}: still truncated`, 'P10'],
          ['analysis', '/slides/fails.tif', 'ANALYSIS', '/slides/fails.tif: no tissue found', 'P09'],
        ]),
      );
      expect(mine).toHaveLength(2);
      const attempts = await db.sql<{ attempts: number }>('SELECT attempts FROM slide_failures WHERE path = $1', [broken]);
      expect(attempts).toEqual([{ attempts: 2 }]);

      // once the file opens it is a slide, not a failure
      await store.upsertSlide({ ...slideInput('broken-fixed'), path: broken });
      expect((await store.listFailures()).some((f) => f.kind === 'slide' && f.path === broken)).toBe(false);
      // and a re-run of the failed analysis clears the failure
      await store.beginAnalysis(analysisInput(slideId, 2));
      expect((await store.listFailures()).some((f) => f.analysisId === analysisId)).toBe(false);
    });

    it('lists scores with slide metadata and provenance, filtered', async () => {
      const cohort = [
        { name: 'c-p1-base-cd163', m: { patient: 'C1', timepoint: 'baseline', marker: 'CD163' }, cells: 10 },
        { name: 'c-p1-m6-cd163', m: { patient: 'C1', timepoint: 'm6', marker: 'CD163' }, cells: 20 },
        { name: 'c-p2-base-cd163', m: { patient: 'C2', timepoint: 'baseline', marker: 'CD163' }, cells: 30 },
        { name: 'c-p2-base-il1ra', m: { patient: 'C2', timepoint: 'baseline', marker: 'IL1RA' }, cells: 40 },
      ];
      const ids = new Map<string, number>();
      for (const c of cohort) {
        const slideId = await store.upsertSlide(slideInput(c.name, c.m));
        const { analysisId } = await store.beginAnalysis(analysisInput(slideId, 1));
        const tiles = [tile(0, c.cells)];
        await store.saveTileResults(analysisId, tiles);
        await store.finishAnalysis(analysisId, scoresOf(tiles, 0.505));
        ids.set(c.name, slideId);
      }
      // an unfinished analysis is not a score
      const pending = await store.upsertSlide(slideInput('c-p1-pending', { patient: 'C1', timepoint: 'baseline', marker: 'CD163' }));
      await store.beginAnalysis(analysisInput(pending, 1));

      const cellsOf = (rows: { scores: { cells: number } }[]) => rows.map((r) => r.scores.cells);
      expect(cellsOf(await store.listScores({ patient: 'C1' }))).toEqual([10, 20]);
      expect(cellsOf(await store.listScores({ patient: 'C2', marker: 'CD163' }))).toEqual([30]);
      expect(cellsOf(await store.listScores({ timepoint: 'baseline', marker: 'CD163' })).sort((a, b) => a - b)).toEqual([10, 30]);
      expect(cellsOf(await store.listScores({ slideId: ids.get('c-p2-base-il1ra') }))).toEqual([40]);
      // stored as IL-1Ra and month-6; a filter in any spelling is made canonical the same way
      expect(cellsOf(await store.listScores({ patient: 'C2', marker: 'IL-1Ra' }))).toEqual([40]);
      expect(cellsOf(await store.listScores({ patient: 'C2', marker: 'interleukin 1 receptor antagonist' }))).toEqual([40]);
      expect(cellsOf(await store.listScores({ patient: 'C1', timepoint: 'Month 6' }))).toEqual([20]);
      expect(await store.listScores({ patient: 'nobody' })).toEqual([]);
      await expect(store.listScores({ patient: 'C1', colour: 'red' } as never)).rejects.toBeInstanceOf(StoreInputError);

      const [row] = await store.listScores({ slideId: ids.get('c-p1-m6-cd163') });
      const want = analysisInput(row.slideId, 1);
      expect(row).toMatchObject({
        sha256: sha('c-p1-m6-cd163'),
        patient: 'C1',
        timepoint: 'month-6',
        marker: 'CD163',
        format: 'tiff',
        slideMpp: 0.2525,
        mppSource: 'file',
        analysisMpp: 0.505,
        level: 1,
        paramsHash: want.paramsHash,
        codeVersion: 'test-1',
        modelId: 'classical',
      });
      expect(row.params).toEqual(want.params);
      expect(row.stain).toEqual(JSON.parse(JSON.stringify(want.stain)));
      expect(row.scores).toEqual(scoresOf([tile(0, 20)], 0.505));
      expect(row.computedAt).toBeInstanceOf(Date);
    });

    it('bulk-inserts 100k detections', async () => {
      const slideId = await store.upsertSlide(slideInput('bulk'));
      const tiles = Array.from({ length: 100 }, (_, t) => tile(t, 1000));
      const { analysisId } = await store.beginAnalysis(analysisInput(slideId, tiles.length));
      const t0 = performance.now();
      await store.saveTileResults(analysisId, tiles);
      const ms = performance.now() - t0;
      const t1 = performance.now();
      const back = await store.getDetections(analysisId);
      const readMs = performance.now() - t1;
      console.log(
        `[${name}] 100k detections: insert ${ms.toFixed(0)} ms (${Math.round(100_000 / (ms / 1000)).toLocaleString('en')} rows/s), ` +
          `read ${readMs.toFixed(0)} ms (${Math.round(100_000 / (readMs / 1000)).toLocaleString('en')} rows/s)`,
      );
      expect(back).toHaveLength(100_000);
      expect(expectSameDetection(back[54_321], detection(54, 321))).toBeUndefined();
      expect(await store.getAnalysis(analysisId)).toMatchObject({ tilesDone: 100 });
    });

    it('counts every table', async () => {
      const c = await store.counts();
      const direct = await db.sql<Record<string, number>>(
        `SELECT (SELECT count(*) FROM slides)::int AS slides, (SELECT count(*) FROM detections)::int AS detections,
                (SELECT count(*) FROM slide_scores)::int AS scores`,
      );
      expect({ slides: c.slides, detections: c.detections, scores: c.scores }).toEqual(direct[0]);
      expect(c.detections).toBeGreaterThanOrEqual(100_000);
    });
  });
}
