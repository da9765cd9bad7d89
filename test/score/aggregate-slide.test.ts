import { describe, expect, it } from 'vitest';
import type { Detection, TileResult } from '../../src/domain/detection.js';
import { AnalysisError, MetadataError } from '../../src/errors/index.js';
import { SlideScores } from '../../src/domain/scores.js';
import { aggregateTiles } from '../../src/score/aggregate-slide.js';

function cells(grade: number, count: number): Detection[] {
  return Array.from({ length: count }, (_, i) => ({
    x: i * 10, y: grade * 7, nucleusAreaUm2: 40, cellAreaUm2: 120, hematoxylinOd: 0.4,
    dabNucleus: 0.1, dabCytoplasm: 0.2 * grade, dabCell: 0.2 * grade, grade,
  }));
}

function tile(tileId: number, detections: Detection[], pixelGradeCounts: [number, number, number, number], dabPositivePixels: number): TileResult {
  const tissuePixels = pixelGradeCounts.reduce((a, b) => a + b, 0);
  return { tileId, detections, tissuePixels, pixelGradeCounts, dabPositivePixels };
}

// 100 cells over 4 mm-scale tiles at 0.5 µm/px: 4 000 000 tissue px = 1 mm².
const tiles: TileResult[] = [
  tile(0, [...cells(0, 30), ...cells(1, 5), ...cells(3, 10)], [1_500_000, 300_000, 150_000, 50_000], 400_000),
  tile(1, [...cells(0, 20), ...cells(1, 15), ...cells(2, 20)], [1_000_000, 500_000, 400_000, 100_000], 700_000),
  tile(2, [], [0, 0, 0, 0], 0),
];

describe('aggregateTiles', () => {
  it('sums tiles into hand-computed slide scores', () => {
    const s = aggregateTiles(tiles, { mpp: 0.5 });
    expect(s).toEqual({
      tissueAreaMm2: 1,
      cells: 100,
      cellsPerMm2: 100,
      positiveCells: 50,
      positiveCellsPerMm2: 50,
      pctNegative: 50,
      pct1: 20,
      pct2: 20,
      pct3: 10,
      pctPositive: 50,
      hScore: 90,
      allredProportion: 4,
      allredIntensity: 2, // mean positive grade 90/50 = 1.8
      allred: 6,
      pctPositiveArea: 27.5, // 1.1 M of 4 M px
      pixelHScore: 58.75, // (0.8 M + 2·0.55 M + 3·0.15 M) / 4 M · 100
    });
    expect(SlideScores.parse(s)).toEqual(s);
  });

  it('does not depend on tile order', () => {
    const forward = aggregateTiles(tiles, { mpp: 0.5 });
    expect(aggregateTiles([tiles[2], tiles[0], tiles[1]], { mpp: 0.5 })).toEqual(forward);
    expect(aggregateTiles([...tiles].reverse(), { mpp: 0.5 })).toEqual(forward);
  });

  it('scales area and densities with the pixel size', () => {
    const s = aggregateTiles(tiles, { mpp: 0.25 });
    expect(s.tissueAreaMm2).toBe(0.25);
    expect(s.cellsPerMm2).toBe(400);
    expect(s.positiveCellsPerMm2).toBe(200);
    expect(s.hScore).toBe(90);
  });

  it('gives zeros, never NaN, for no tiles or tissue without cells', () => {
    const zeros = {
      tissueAreaMm2: 0, cells: 0, cellsPerMm2: 0, positiveCells: 0, positiveCellsPerMm2: 0,
      pctNegative: 0, pct1: 0, pct2: 0, pct3: 0, pctPositive: 0, hScore: 0,
      allredProportion: 0, allredIntensity: 0, allred: 0, pctPositiveArea: 0, pixelHScore: 0,
    };
    expect(aggregateTiles([], { mpp: 0.5 })).toEqual(zeros);
    const noCells = aggregateTiles([tile(4, [], [400, 0, 0, 0], 0)], { mpp: 0.5 });
    expect(noCells).toEqual({ ...zeros, tissueAreaMm2: 0.0001 });
    for (const v of Object.values(noCells)) expect(Number.isFinite(v)).toBe(true);
  });

  it('refuses duplicated or self-contradicting tiles and a bad pixel size', () => {
    expect(() => aggregateTiles([tiles[0], tiles[1], tiles[0]], { mpp: 0.5 })).toThrow(AnalysisError);
    expect(() => aggregateTiles([tiles[0], tiles[0]], { mpp: 0.5 })).toThrow(/tile 0 was reported twice/);
    const badSum = { ...tiles[1], tissuePixels: 5 };
    expect(() => aggregateTiles([badSum], { mpp: 0.5 })).toThrow(/tile 1: pixel grade counts sum to 2000000 but the tile has 5 tissue pixels/);
    const badPositive = tile(7, [], [10, 0, 0, 0], 11);
    expect(() => aggregateTiles([badPositive], { mpp: 0.5 })).toThrow(/tile 7: 11 DAB-positive pixels exceed its 10 tissue pixels/);
    const badGrade = tile(8, [{ ...cells(1, 1)[0], grade: 4 }], [1, 0, 0, 0], 0);
    expect(() => aggregateTiles([badGrade], { mpp: 0.5 })).toThrow(/grade 4/);
    expect(() => aggregateTiles(tiles, { mpp: 0 })).toThrow(MetadataError);
    expect(() => aggregateTiles(tiles, { mpp: Number.NaN })).toThrow(/positive number of µm\/px, got NaN/);
  });
});
