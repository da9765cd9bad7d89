import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../src/errors/index.js';
import { resolveParams } from '../../src/domain/params.js';
import { analyseTile } from '../../src/pipeline/analyse-tile.js';
import { Cd163Scores, scoreCd163 } from '../../src/score/cd163.js';
import type { Locate } from '../../src/score/cell-location.js';
import { estimateBackground } from '../../src/stain/background.js';
import { estimateMacenko } from '../../src/stain/macenko.js';
import { makeScene, renderRegion, truthOf } from '../../src/synthetic/index.js';

// 1 mm² of tissue at 0.5 µm/px is 4·10⁶ pixels
const MM2 = 4_000_000;

describe('scoreCd163 on hand-made counts', () => {
  const cells = [
    ...Array.from({ length: 20 }, (_, i) => ({ x: i * 10, y: 0, grade: 0 })),
    ...Array.from({ length: 12 }, (_, i) => ({ x: i * 10, y: 100, grade: 1 + (i % 3) })),
    ...Array.from({ length: 6 }, (_, i) => ({ x: 1000 + i * 10, y: 100, grade: 3 })),
    ...Array.from({ length: 3 }, (_, i) => ({ x: 2000 + i * 10, y: 100, grade: 2 })),
  ];
  const locate: Locate = (x) => (x < 1000 ? 'endomysial' : x < 2000 ? 'perimysial' : 'perivascular');

  it('counts DAB-positive cells per mm² overall and per location, and % CD163+ area', () => {
    const tiles = [
      { tissuePixels: MM2, dabPositivePixels: 60_000 },
      { tissuePixels: MM2, dabPositivePixels: 40_000 },
    ];
    const s = scoreCd163({ cells, tiles, mpp: 0.5, locate });
    expect(s.tissueAreaMm2).toBe(2);
    expect(s.positiveCells).toBe(21);
    expect(s.positiveCellsPerMm2).toBe(10.5);
    expect(s.pctPositiveArea).toBe(1.25);
    expect(s.byLocation).toEqual({
      endomysial: { cells: 12, cellsPerMm2: 6 },
      perimysial: { cells: 6, cellsPerMm2: 3 },
      perivascular: { cells: 3, cellsPerMm2: 1.5 },
    });
    expect(Cd163Scores.parse(s)).toEqual(s);
  });

  it('has no per-location part without a classifier, and takes a stricter positive grade', () => {
    const tiles = [{ tissuePixels: MM2, dabPositivePixels: 0 }];
    expect(scoreCd163({ cells, tiles, mpp: 0.5 }).byLocation).toBeNull();
    // grades ≥ 2+: 8 of the 12 cycling 1+/2+/3+, the 6 3+ and the 3 2+
    expect(scoreCd163({ cells, tiles, mpp: 0.5, minGrade: 2 }).positiveCells).toBe(17);
    expect(scoreCd163({ cells, tiles, mpp: 1 }).tissueAreaMm2).toBe(4);
  });

  it('takes the tissue area from elsewhere when the pixel count misses tissue', () => {
    const tiles = [{ tissuePixels: MM2, dabPositivePixels: 100_000 }];
    const s = scoreCd163({ cells, tiles, mpp: 0.5, tissueAreaMm2: 4 });
    expect(s.tissueAreaMm2).toBe(4);
    expect(s.positiveCellsPerMm2).toBe(21 / 4);
    // 100 000 px · 0.25 µm² = 0.025 mm² of 4 mm²
    expect(s.pctPositiveArea).toBeCloseTo(0.625, 12);
    expect(s.byLocation).toBeNull();
    expect(() => scoreCd163({ cells, tiles, mpp: 0.5, tissueAreaMm2: 0.01 })).toThrow(/exceed the given tissue area/);
    expect(() => scoreCd163({ cells, tiles, mpp: 0.5, tissueAreaMm2: Number.NaN })).toThrow(AnalysisError);
  });

  it('gives zeros, not NaN, without tissue, and rejects contradictory counts', () => {
    const none = scoreCd163({ cells: [], tiles: [], mpp: 0.5 });
    expect([none.tissueAreaMm2, none.positiveCellsPerMm2, none.pctPositiveArea]).toEqual([0, 0, 0]);
    expect(() => scoreCd163({ cells, tiles: [{ tissuePixels: 10, dabPositivePixels: 11 }], mpp: 0.5 })).toThrow(/tile 0 has 11 DAB-positive pixels/);
    expect(() => scoreCd163({ cells, tiles: [], mpp: 0 })).toThrow(AnalysisError);
    expect(() => scoreCd163({ cells, tiles: [], mpp: 0.5, minGrade: 0 })).toThrow(/positive grade/);
    expect(() => scoreCd163({ cells, tiles: [{ tissuePixels: 1, dabPositivePixels: 0 }], mpp: 0.5, locate: (() => 'lumen') as unknown as Locate })).toThrow(/returned 'lumen'/);
  });
});

describe('scoreCd163 on a detected synthetic slide (tuning seed 3)', () => {
  it('density and % positive area within 10% of the planted truth', () => {
    const SIZE = 1024;
    const scene = makeScene({ seed: 3, width: SIZE, height: SIZE });
    const truth = truthOf(scene);
    const rgb = renderRegion(scene, 0, 0, SIZE, SIZE);
    const i0 = estimateBackground(rgb.data).i0;
    const stain = estimateMacenko(rgb.data, { i0 }).matrix;
    const tile = { id: 0, read: { x0: 0, y0: 0, x1: SIZE, y1: SIZE }, core: { x0: 0, y0: 0, x1: SIZE, y1: SIZE } };
    const result = analyseTile(rgb, tile, { mpp: scene.mpp, stain, i0, params: resolveParams({ qc: { enabled: false } }) }); // one tile, no slide plan for QC references
    const s = scoreCd163({ cells: result.detections, tiles: [result], mpp: scene.mpp });
    const densityErr = Math.abs(s.positiveCellsPerMm2 - truth.scores.positiveCellsPerMm2) / truth.scores.positiveCellsPerMm2;
    const areaErr = Math.abs(s.pctPositiveArea - truth.scores.pctPositiveArea) / truth.scores.pctPositiveArea;
    console.log(
      `CD163 seed 3: ${s.positiveCellsPerMm2.toFixed(1)} vs truth ${truth.scores.positiveCellsPerMm2.toFixed(1)} /mm² (${(densityErr * 100).toFixed(1)}%), ` +
        `% area ${s.pctPositiveArea.toFixed(2)} vs ${truth.scores.pctPositiveArea.toFixed(2)} (${(areaErr * 100).toFixed(1)}%)`,
    );
    expect(truth.scores.positiveCellsPerMm2).toBeGreaterThan(100);
    expect(densityErr).toBeLessThanOrEqual(0.1);
    expect(areaErr).toBeLessThanOrEqual(0.1);
  });
});
