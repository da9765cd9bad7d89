import { createHash } from 'node:crypto';
import type { Detection, FibreRecord, TileResult } from '../../src/domain/detection.js';
import { paramsHash, resolveParams, type AnalysisParamsInput } from '../../src/domain/params.js';
import type { QcSummary } from '../../src/domain/qc.js';
import type { SlideScores } from '../../src/domain/scores.js';
import { HPF_AREA_MM2 } from '../../src/score/infiltrates.js';
import type { MarkerScores } from '../../src/score/marker-scores.js';
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

const LOCATIONS = ['endomysial', 'perimysial', 'perivascular'] as const;

/**
 * A detection whose real (float4) columns hold multiples of 1/64: exact in float32 and printed
 * exactly, so a read-back equals the written object under toStrictEqual. Muscle fields follow
 * `muscle`: 'full' sets location and inFibre, 'location' only the location, 'none' neither.
 */
export function exactDetection(tile: number, i: number, muscle: 'full' | 'location' | 'none'): Detection {
  const k = tile * 101 + i * 7;
  const q = (n: number) => n / 64;
  const dabCell = q(k % 58);
  const d: Detection = {
    x: tile * 512.25 + i * 1.1 + 0.1,
    y: 40_000.3 - i * 0.7,
    nucleusAreaUm2: 10 + q(k % 640),
    cellAreaUm2: 60 + q(k % 2000),
    hematoxylinOd: 0.125 + q(k % 33),
    dabNucleus: q(k % 40),
    dabCytoplasm: q(k % 50),
    dabCell,
    grade: dabCell >= 0.6 ? 3 : dabCell >= 0.4 ? 2 : dabCell >= 0.2 ? 1 : 0,
  };
  if (muscle !== 'none') d.location = LOCATIONS[k % 3];
  if (muscle === 'full') d.inFibre = k % 2 === 0;
  return d;
}

/** Fibre values that are not short decimals (0.1 + 0.2, thirds) so a lossy number path shows. */
export function fibre(tile: number, j: number, withContour: boolean): FibreRecord {
  const f: FibreRecord = {
    x: tile * 512.25 + j * 47.3 + (0.1 + 0.2),
    y: 100_000 / 3 + j,
    areaUm2: 2_000 + j * 137.77 + 1 / 7,
    minFeretUm: 40 + j / 3,
    ringDab: 0.05 + j * 0.0123456789,
    interiorDab: 1e-7 * (j + 1),
    peripheralNuclei: 3 + (j % 4),
    internalNuclei: j % 3 === 0 ? 1 : 0,
    perifascicular: j % 2 === 1,
  };
  if (withContour) f.contour = [[f.x - 20.5, f.y - 19.25], [f.x + 21.125, f.y - 18], [f.x + 0.3, f.y + 22.7]];
  return f;
}

/** A muscle tile (every detection located, fibres listed) or an old-style one (neither). */
export function exactTile(tileId: number, cells: number, muscle: { fibres: number } | null): TileResult {
  const t = tile(tileId, 0);
  t.detections = Array.from({ length: cells }, (_, i) => exactDetection(tileId, i, muscle ? 'full' : 'none'));
  if (muscle) t.fibres = Array.from({ length: muscle.fibres }, (_, j) => fibre(tileId, j, j % 2 === 0));
  return t;
}

const OPTIONS = { hpfAreaMm2: HPF_AREA_MM2, cellsPerHpf: 4, linkUm: 20, minClusterCells: 10, minGrade: 1, diffuseMaxClusteredFraction: 0.5 };

/**
 * Hand-made MarkerScores, internally consistent (densities = cells / 2.5 mm², grades as
 * SCIENCE.md grades them), for one marker of each kind of scorer.
 */
export const MARKER_SCORES: Record<'cd163' | 'cd163Unlocated' | 'il1ra' | 'mhc1', MarkerScores> = {
  /** CD163: macrophages by location and infiltrates with one perimysial and one perivascular cluster */
  cd163: {
    marker: 'CD163',
    cd163: {
      tissueAreaMm2: 2.5,
      positiveCells: 157,
      positiveCellsPerMm2: 62.8,
      pctPositiveArea: 1.249,
      byLocation: {
        endomysial: { cells: 100, cellsPerMm2: 40 },
        perimysial: { cells: 45, cellsPerMm2: 18 },
        perivascular: { cells: 12, cellsPerMm2: 4.8 },
      },
    },
    infiltrates: {
      tissueAreaMm2: 2.5,
      options: OPTIONS,
      cells: 60,
      cellsPerMm2: 24,
      byLocation: {
        endomysial: { cells: 20, cellsPerMm2: 8, meanCellsPerHpf: 8 * HPF_AREA_MM2, peakCellsPerHpf: 6, clusters: 0, clusteredCells: 0, largestCluster: 0, grade: 1, gradeLabel: '≥4/HPF' },
        perimysial: { cells: 12, cellsPerMm2: 4.8, meanCellsPerHpf: 4.8 * HPF_AREA_MM2, peakCellsPerHpf: 11, clusters: 1, clusteredCells: 11, largestCluster: 11, grade: 2, gradeLabel: 'cluster' },
        perivascular: { cells: 28, cellsPerMm2: 11.2, meanCellsPerHpf: 11.2 * HPF_AREA_MM2, peakCellsPerHpf: 14, clusters: 1, clusteredCells: 14, largestCluster: 14, grade: 2, gradeLabel: 'cluster' },
      },
      clusters: [
        { id: 0, size: 11, x: 1520.25, y: 880.125, location: 'perimysial' },
        { id: 1, size: 14, x: 2210.5, y: 1333.375, location: 'perivascular' },
      ],
    },
    il1: null,
    mhc1: null,
    skipped: [],
  },
  /** CD163 without a location classifier: no locations, infiltrates skipped with the reason */
  cd163Unlocated: {
    marker: 'CD163',
    cd163: { tissueAreaMm2: 1.25, positiveCells: 50, positiveCellsPerMm2: 40, pctPositiveArea: 0.75, byLocation: null },
    infiltrates: null,
    il1: null,
    mhc1: null,
    skipped: [{ scorer: 'infiltrates', reason: 'no location classifier (fibre/perimysium masks and vessels) for this slide' }],
  },
  /** IL-1Ra expressed by area (3.2% ≥ 1%), not by cells (7.5/mm² < 10/mm²) */
  il1ra: {
    marker: 'IL-1Ra',
    cd163: null,
    infiltrates: null,
    il1: { pctPositiveArea: 3.2, pixelHScore: 7.5, positiveCellsPerMm2: 7.5, expressed: true, expressedBy: ['area'], thresholds: { minPctPositiveArea: 1, minPositiveCellsPerMm2: 10 } },
    mhc1: null,
    skipped: [],
  },
  /** MHC-I: 87 of 412 fibres positive = 21.1165…%, grade 2 (10–25%, Das et al.) */
  mhc1: {
    marker: 'MHC-I',
    cd163: null,
    infiltrates: null,
    il1: null,
    mhc1: { fibres: 412, positive: 87, percentPositive: (100 * 87) / 412, grade: 2, pattern: 'perifascicular' },
    skipped: [],
  },
};

/** A deep, mutable copy (the store and zod must not depend on the constant's identity). */
export function markerScores(kind: keyof typeof MARKER_SCORES): MarkerScores {
  return structuredClone(MARKER_SCORES[kind]);
}

/**
 * A hand-made QC record on tile `t` (4 × 2 blocks of 16 analysis px from (x0, y0)): pen in blocks
 * 1–2 and blur in block 2; returns the slide's QC summary to store with it.
 */
export function withHandmadeQc(t: TileResult, x0: number, y0: number): QcSummary {
  t.qc = {
    blockPx: 16, blockUm: 8.08, cols: 4, rows: 2, x0, y0,
    excludedTissuePixels: { focus: 256, fold: 0, ice: 0, pen: 512, bubble: 0, any: 512 },
    masks: { focus: '2,1', fold: '', ice: '', pen: '1,2', bubble: '' },
  };
  return { verdict: 'ok', excludedPct: { focus: 0.5, fold: 0, ice: 0, pen: 1, bubble: 0, any: 1 }, excludedMm2: 0.01, causes: ['focus', 'pen'] };
}
