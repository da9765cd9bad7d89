import { describe, expect, it } from 'vitest';
import { correctionEffects, type CorrectionEffect } from '../../src/domain/corrections.js';
import type { FibreRecord, TileResult } from '../../src/domain/detection.js';
import { resolveParams } from '../../src/domain/params.js';
import type { ReviewRegion } from '../../src/domain/review.js';
import { applyCorrections } from '../../src/score/apply-corrections.js';
import { rescore } from '../../src/score/rescore.js';
import { MPP, reviewTile, TILE_UM } from '../api/seed-review.js';

// tile 0: 10 cells graded 0,1,2,3,0,1,2,3,0,1; tile 1: 6 cells graded 0,1,2,3,0,1 → 5 negative, 5 1+, 3 2+, 3 3+
const SLIDE_MPP = MPP / 2;
const params = resolveParams({});
const tiles = (): TileResult[] => [reviewTile(0, 10), reviewTile(1, 6)];
const score = (corrections: Map<string, CorrectionEffect>, regions: ReviewRegion[] = [], t = tiles()) =>
  rescore({ tiles: t, regions, slideMpp: SLIDE_MPP, mpp: MPP, params, corrections });
const effects = (...list: [string, CorrectionEffect][]) => new Map(list);

describe('corrections in re-scoring', () => {
  const base = score(new Map());
  const tileArea = (1024 * 1024 * MPP * MPP) / 1e6;

  it('without corrections the scores are the uncorrected ones and carry 0 corrections', () => {
    expect(base.corrections).toBe(0);
    expect(base.scores.cells).toBe(16);
    expect(base.scores.positiveCells).toBe(11);
    // H-score = (1·5 + 2·3 + 3·3) · 100 / 16
    expect(base.scores.hScore).toBeCloseTo(125, 12);
  });

  it('reclassifying one negative cell to 3+ raises the H-score by 300/16 and the positives by one', () => {
    const r = score(effects(['cell:0:0', { kind: 'reclassify', grade: 3 }]));
    expect(r.corrections).toBe(1);
    expect(r.scores.hScore - base.scores.hScore).toBeCloseTo(300 / 16, 12);
    expect(r.scores.positiveCells).toBe(12);
    expect(r.scores.cells).toBe(16);
    expect(r.scores.pct3).toBeCloseTo((4 * 100) / 16, 12);
  });

  it('deleting a 3+ cell and adding a 2+ cell change counts and densities exactly', () => {
    const deleted = score(effects(['cell:1:3', { kind: 'delete' }]));
    expect(deleted.scores.cells).toBe(15);
    expect(deleted.scores.positiveCells).toBe(10);
    expect(deleted.scores.hScore).toBeCloseTo(((5 + 6 + 6) * 100) / 15, 12);
    expect(deleted.scores.cellsPerMm2).toBeCloseTo(15 / (2 * tileArea), 9);
    // an added cell at level-0 px (100, 100) = (25.25, 25.25) µm, in tile 0
    const added = score(effects(['added:1', { kind: 'add', x: 100, y: 100, grade: 2 }]));
    expect(added.scores.cells).toBe(17);
    expect(added.scores.positiveCells).toBe(12);
    expect(added.scores.hScore).toBeCloseTo(((5 + 8 + 9) * 100) / 17, 12);
    expect(added.scores.positiveCellsPerMm2).toBeCloseTo(12 / (2 * tileArea), 9);
    // the tiles given are not changed
    const t = tiles();
    score(effects(['cell:0:1', { kind: 'delete' }], ['added:2', { kind: 'add', x: 5, y: 5, grade: 1 }]), [], t);
    expect(t.map((x) => x.detections.length)).toEqual([10, 6]);
  });

  it('regions apply to corrected cells: an added cell in an exclusion is not counted, a deleted one outside the region changes nothing', () => {
    const excludeTile1: ReviewRegion = { kind: 'exclusion', polygon: [[2048, 0], [4200, 0], [4200, 2100], [2048, 2100]] };
    const inTile1 = (TILE_UM + 10) / SLIDE_MPP;
    const r = score(effects(['added:1', { kind: 'add', x: inTile1, y: 100, grade: 3 }], ['cell:1:0', { kind: 'delete' }]), [excludeTile1]);
    expect(r.scores.cells).toBe(10);
    expect(r.corrections).toBe(2);
  });

  it("flipping a fibre's MHC-I status changes the positive fibres by one", () => {
    const muscle = resolveParams({ muscle: { enabled: true, minFibreCoverage: 0 } });
    const fibreTiles = tiles().map((t, k): TileResult => ({
      ...t,
      detections: [],
      fibres: Array.from({ length: 4 }, (_, i): FibreRecord => ({ x: k * TILE_UM + 30 + i * 60, y: 40, areaUm2: 700, minFeretUm: 25, ringDab: k === 0 ? 0.9 : 0.01, interiorDab: 0, peripheralNuclei: 2, internalNuclei: 0, perifascicular: false })),
    }));
    const run = (e: Map<string, CorrectionEffect>) => rescore({ tiles: fibreTiles, regions: [], slideMpp: SLIDE_MPP, mpp: MPP, marker: 'MHC-I', params: muscle, corrections: e }).markerScores?.mhc1;
    expect(run(new Map())).toMatchObject({ fibres: 8, positive: 4 });
    expect(run(effects(['fibre:1:2', { kind: 'fibre', mhc1Positive: true }]))).toMatchObject({ fibres: 8, positive: 5 });
    expect(run(effects(['fibre:0:0', { kind: 'fibre', mhc1Positive: false }]))).toMatchObject({ fibres: 8, positive: 3 });
    // a call that agrees with the thresholds changes nothing
    expect(run(effects(['fibre:0:0', { kind: 'fibre', mhc1Positive: true }]))).toMatchObject({ positive: 4 });
  });
});

describe('applyCorrections: added cells', () => {
  it('join the tile of the nearest stored cell and take its location (brute force agrees for 200 random cells); a given location wins', () => {
    let seed = 11;
    const rand = (): number => ((seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);
    const locations = ['endomysial', 'perimysial', 'perivascular'] as const;
    const tilesIn: TileResult[] = [0, 1, 2].map((t) => ({
      ...reviewTile(t, 0),
      detections: Array.from({ length: 300 }, () => ({ ...reviewTile(0, 1).detections[0], x: rand() * 1500, y: rand() * 900, location: locations[Math.floor(rand() * 3)], inFibre: false })),
    }));
    const wanted: { x: number; y: number; tile: number; location: string }[] = [];
    const e = new Map<string, CorrectionEffect>();
    for (let i = 0; i < 200; i++) {
      const x = rand() * 1600, y = rand() * 1000;
      let best = { d: Infinity, tile: -1, location: '' };
      for (const t of tilesIn) for (const c of t.detections) {
        const d = (c.x - x) ** 2 + (c.y - y) ** 2;
        if (d < best.d) best = { d, tile: t.tileId, location: c.location! };
      }
      wanted.push({ x, y, tile: best.tile, location: best.location });
      e.set(`added:${i + 1}`, { kind: 'add', x: x / SLIDE_MPP, y: y / SLIDE_MPP, grade: 1 });
    }
    const out = applyCorrections(tilesIn, e, SLIDE_MPP);
    const placed = out.flatMap((t) => t.detections.slice(300).map((c) => ({ x: c.x, y: c.y, tile: t.tileId, location: c.location })));
    const key = (p: { x: number; y: number }) => `${p.x.toFixed(6)},${p.y.toFixed(6)}`;
    const byKey = new Map(placed.map((p) => [key(p), p]));
    expect(placed).toHaveLength(200);
    for (const w of wanted) expect(byKey.get(key(w)), key(w)).toMatchObject({ tile: w.tile, location: w.location });
    expect(tilesIn.map((t) => t.detections.length)).toEqual([300, 300, 300]);
    const given = applyCorrections(tilesIn, new Map([['added:1', { kind: 'add', x: 0, y: 0, grade: 2, location: 'perivascular', inFibre: true } as CorrectionEffect]]), SLIDE_MPP);
    expect(given.flatMap((t) => t.detections).find((c) => c.x === 0 && c.y === 0)).toMatchObject({ grade: 2, location: 'perivascular', inFibre: true, nucleusAreaUm2: 0 });
  });
});

describe('correctionEffects', () => {
  const c = (seq: number, kind: 'reclassify' | 'delete' | 'add' | 'fibre' | 'revert', target: string, payload: Record<string, unknown> = {}) => ({ seq, kind, target, payload });

  it('the latest correction of a target wins; a revert leaves the target as detected', () => {
    const e = correctionEffects([c(1, 'reclassify', 'cell:0:4', { grade: 2 }), c(2, 'delete', 'cell:0:4'), c(3, 'reclassify', 'cell:0:5', { grade: 1 }), c(4, 'revert', 'cell:0:5')]);
    expect([...e]).toEqual([['cell:0:4', { kind: 'delete' }]]);
  });

  it('an added cell keeps its position when reclassified, and is gone when deleted; order is by seq, not by list order', () => {
    const kept = correctionEffects([c(2, 'reclassify', 'added:1', { grade: 3 }), c(1, 'add', 'added:1', { x: 7, y: 9, grade: 0 })]);
    expect(kept.get('added:1')).toMatchObject({ kind: 'add', x: 7, y: 9, grade: 3 });
    const gone = correctionEffects([c(1, 'add', 'added:1', { x: 7, y: 9, grade: 0 }), c(2, 'delete', 'added:1'), c(3, 'reclassify', 'added:1', { grade: 2 })]);
    expect(gone.size).toBe(0);
  });
});
