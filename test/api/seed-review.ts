import { areaBlockPx, type AreaGrid } from '../../src/domain/area-grid.js';
import type { Detection, TileResult } from '../../src/domain/detection.js';
import type { Store } from '../../src/store/store.js';
import { analysisInput, scoresOf, slideInput } from '../store/fixtures.js';

// the fixtures' slide is 0.2525 µm/px at level 0, analysed at 0.505 µm/px (level 1), 1024 px tiles
export const MPP = 0.505;
export const TILE_UM = 1024 * MPP;
export const BLOCK = areaBlockPx(MPP);

/** A full-tissue tile at column `col` with `cells` cells (grade i % 4) and 100 DAB-positive px per block. */
export function reviewTile(col: number, cells: number): TileResult {
  const side = 1024 / BLOCK;
  const n = side * side;
  const full = (v: number): number[] => new Array<number>(n).fill(v);
  const grid: AreaGrid = { blockPx: BLOCK, bx0: col * side, by0: 0, cols: side, rows: side, tissue: full(BLOCK * BLOCK), dabPositive: full(100), grade1: full(10), grade2: full(5), grade3: full(1) };
  const detections: Detection[] = Array.from({ length: cells }, (_, i) => ({
    x: col * TILE_UM + 20 + i * 30,
    y: 50 + i * 10,
    grade: i % 4,
    dabNucleus: 0.2, dabCytoplasm: 0.2, dabCell: 0.2, hematoxylinOd: 0.4, nucleusAreaUm2: 30, cellAreaUm2: 90,
  }));
  const tissue = n * BLOCK * BLOCK;
  return { tileId: col, detections, tissuePixels: tissue, pixelGradeCounts: [tissue - 16 * n, 10 * n, 5 * n, n], dabPositivePixels: 100 * n, areaGrid: grid };
}

/** A finished two-tile analysis (10 cells in tile 0, 6 in tile 1) with area grids; its ids. */
export async function seedReviewAnalysis(store: Store, name: string, marker = 'CD3'): Promise<{ slideId: number; analysisId: number }> {
  const slideId = await store.upsertSlide(slideInput(name, { patient: 'P1', timepoint: 'baseline', marker }));
  const a = analysisInput(slideId, 2);
  const { analysisId } = await store.beginAnalysis(a);
  const tiles = [reviewTile(0, 10), reviewTile(1, 6)];
  await store.saveTileResults(analysisId, tiles);
  await store.finishAnalysis(analysisId, scoresOf(tiles, a.mpp));
  return { slideId, analysisId };
}
