import { createHash } from 'node:crypto';
import type { Detection, TileResult } from '../../src/domain/detection.js';
import { paramsHash, resolveParams, type AnalysisParamsInput } from '../../src/domain/params.js';
import type { SlideScores } from '../../src/domain/scores.js';
import type { SlideMetadata } from '../../src/domain/slide.js';
import { HDAB_DEFAULT } from '../../src/stain/vectors.js';
import type { AnalysisInput, SlideInput } from '../../src/store/store.js';

export const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

export function slideInput(name: string, metadata: SlideMetadata = {}): SlideInput {
  return { sha256: sha(name), path: `/slides/${name}.tif`, format: 'tiff', width: 40_000, height: 30_000, mpp: 0.2525, mppSource: 'file', metadata };
}

export function analysisInput(slideId: number, tilesTotal: number, params: AnalysisParamsInput = {}): AnalysisInput {
  const resolved = resolveParams(params);
  return {
    slideId,
    paramsHash: paramsHash(resolved),
    params: resolved,
    stain: { ...HDAB_DEFAULT },
    codeVersion: 'test-1',
    modelId: 'classical',
    mpp: 0.505,
    level: 1,
    tilesTotal,
  };
}

/** Deterministic, distinct values per (tile, index, variant) so a swapped or stale row shows. */
export function detection(tile: number, i: number, variant = 0): Detection {
  const k = tile * 10_007 + i * 31 + variant * 7;
  const dab = ((k % 97) / 97) * 0.9;
  return {
    x: tile * 512.25 + i * 1.125 + 0.0625,
    y: 100_000.5 - tile * 3.5 - i * 0.75,
    nucleusAreaUm2: 10 + (k % 300) * 0.37,
    cellAreaUm2: 60 + (k % 500) * 0.91,
    hematoxylinOd: 0.1 + (k % 53) / 100,
    dabNucleus: dab * 0.8,
    dabCytoplasm: dab * 1.1,
    dabCell: dab,
    grade: dab >= 0.6 ? 3 : dab >= 0.4 ? 2 : dab >= 0.2 ? 1 : 0,
  };
}

export function tile(tileId: number, cells: number, variant = 0): TileResult {
  const detections = Array.from({ length: cells }, (_, i) => detection(tileId, i, variant));
  const tissue = 900_000 + tileId * 1_001 + variant;
  const g1 = 20_000 + tileId, g2 = 5_000 + variant, g3 = 700 + tileId;
  return {
    tileId,
    detections,
    tissuePixels: tissue,
    pixelGradeCounts: [tissue - g1 - g2 - g3, g1, g2, g3],
    dabPositivePixels: g2 + g3 + 123,
  };
}

/** Scores derived from the tiles as SCIENCE.md defines them, so they are consistent test data. */
export function scoresOf(tiles: TileResult[], mpp: number): SlideScores {
  const dets = tiles.flatMap((t) => t.detections);
  const tissue = tiles.reduce((s, t) => s + t.tissuePixels, 0);
  const px = [0, 1, 2, 3].map((g) => tiles.reduce((s, t) => s + t.pixelGradeCounts[g], 0));
  const area = (tissue * mpp * mpp) / 1e6;
  const byGrade = [0, 1, 2, 3].map((g) => dets.filter((d) => d.grade === g).length);
  const pct = byGrade.map((n) => (100 * n) / dets.length);
  const positive = dets.length - byGrade[0];
  return {
    tissueAreaMm2: area,
    cells: dets.length,
    cellsPerMm2: dets.length / area,
    positiveCells: positive,
    positiveCellsPerMm2: positive / area,
    pctNegative: pct[0],
    pct1: pct[1],
    pct2: pct[2],
    pct3: pct[3],
    pctPositive: 100 - pct[0],
    hScore: pct[1] + 2 * pct[2] + 3 * pct[3],
    allredProportion: 5,
    allredIntensity: 2,
    allred: 7,
    pctPositiveArea: (100 * tiles.reduce((s, t) => s + t.dabPositivePixels, 0)) / tissue,
    pixelHScore: (100 * (px[1] + 2 * px[2] + 3 * px[3])) / tissue,
  };
}

/**
 * A real (float4) column returns the shortest decimal of the value rounded to float32, so a value
 * read back equals the one written exactly when both round to the same float32.
 */
export function expectSameDetection(got: Detection, want: Detection): string | undefined {
  if (got.x !== want.x || got.y !== want.y || got.grade !== want.grade) return `x/y/grade ${JSON.stringify(got)} vs ${JSON.stringify(want)}`;
  const reals = ['nucleusAreaUm2', 'cellAreaUm2', 'hematoxylinOd', 'dabNucleus', 'dabCytoplasm', 'dabCell'] as const;
  for (const k of reals) if (Math.fround(got[k]) !== Math.fround(want[k])) return `${k}: ${got[k]} vs ${want[k]}`;
  return undefined;
}
