import { z } from 'zod';
import { AnalysisError } from '../errors/index.js';
import { CELL_LOCATIONS, CellLocation, type Locate } from './cell-location.js';
import { perMm2, tissueAreaMm2 } from './density.js';

/**
 * CD163+ macrophages (SCIENCE.md "Scores"): DAB-positive cells per mm² of tissue, overall and
 * per location, and % CD163+ area = DAB-positive tissue pixels / tissue pixels. A cell is
 * CD163+ when graded ≥ 1+ on the cell compartment (the registry's compartment for CD163,
 * SCIENCE.md "Cells": 1+ ≥ 0.2 OD). Touching macrophages are split by the nucleus watershed
 * (src/detect/nuclei.ts) before they get here.
 *
 * Per-location densities are per mm² of tissue (not of the location's own area), so they add up
 * to the overall density. Macrophages inside fibres (myophagocytosis) are counted; with the mask
 * locator they fall to the fascicle, i.e. endomysial.
 */
export const LocationDensity = z.object({
  cells: z.number().int().nonnegative(),
  cellsPerMm2: z.number().nonnegative(),
});
export type LocationDensity = z.infer<typeof LocationDensity>;

export const Cd163Scores = z.object({
  tissueAreaMm2: z.number().nonnegative(),
  positiveCells: z.number().int().nonnegative(),
  positiveCellsPerMm2: z.number().nonnegative(),
  /** DAB-positive tissue pixels / tissue pixels, % */
  pctPositiveArea: z.number().min(0).max(100),
  /** null when no location classifier was given */
  byLocation: z.object({ endomysial: LocationDensity, perimysial: LocationDensity, perivascular: LocationDensity }).nullable(),
});
export type Cd163Scores = z.infer<typeof Cd163Scores>;

export interface Cd163Input {
  /** detected cells, level-0 µm centroids and DAB grade 0–3 */
  cells: readonly { x: number; y: number; grade: number }[];
  /** per-tile pixel counts (TileResult carries both) */
  tiles: readonly { tissuePixels: number; dabPositivePixels: number }[];
  /** µm/px of the level the tiles were analysed at */
  mpp: number;
  locate?: Locate;
  /** lowest grade that counts as CD163+; 1 (= 1+) by default */
  minGrade?: number;
  /**
   * Tissue area from elsewhere (e.g. tissue mask ∪ segmented fibres), replacing the tiles' tissue
   * pixel count as the denominator of the densities and of % area. Needed on muscle: pale fibre
   * interiors fall under the per-pixel tissue rule (summed RGB OD ≥ 0.08, params.ts), and on a
   * section without glass the background estimate takes fibres for glass. Synthetic muscle seed 5
   * (tissue edge to edge): 0.876 of the pixels count as tissue with the true I0, 0.264 with the
   * estimated one — densities would be inflated up to four-fold.
   */
  tissueAreaMm2?: number;
}

export function scoreCd163(input: Cd163Input): Cd163Scores {
  const { cells, tiles, mpp, locate } = input;
  const minGrade = input.minGrade ?? 1;
  if (!(Number.isInteger(minGrade) && minGrade >= 1 && minGrade <= 3)) throw new AnalysisError(`CD163: positive grade must be 1, 2 or 3, got ${minGrade}`);
  if (!(mpp > 0 && Number.isFinite(mpp))) throw new AnalysisError(`CD163: the analysis pixel size must be a positive number of µm/px, got ${mpp}`);
  let tissuePixels = 0;
  let positivePixels = 0;
  tiles.forEach((t, i) => {
    if (!(Number.isInteger(t.tissuePixels) && t.tissuePixels >= 0 && Number.isInteger(t.dabPositivePixels) && t.dabPositivePixels >= 0)) {
      throw new AnalysisError(`CD163: tile ${i} has bad pixel counts (${t.tissuePixels} tissue, ${t.dabPositivePixels} DAB-positive)`);
    }
    if (t.dabPositivePixels > t.tissuePixels) {
      throw new AnalysisError(`CD163: tile ${i} has ${t.dabPositivePixels} DAB-positive pixels but only ${t.tissuePixels} tissue pixels`);
    }
    tissuePixels += t.tissuePixels;
    positivePixels += t.dabPositivePixels;
  });
  let area = tissueAreaMm2(tissuePixels, mpp);
  let pctPositiveArea = tissuePixels === 0 ? 0 : (positivePixels * 100) / tissuePixels;
  if (input.tissueAreaMm2 !== undefined) {
    const given = input.tissueAreaMm2;
    const positiveMm2 = tissueAreaMm2(positivePixels, mpp);
    if (!(given > 0 && Number.isFinite(given))) throw new AnalysisError(`CD163: the given tissue area must be a positive number of mm², got ${given}`);
    // DAB-positive pixels are tissue by any rule, so they cannot exceed the tissue they lie in
    if (positiveMm2 > given * (1 + 1e-9)) throw new AnalysisError(`CD163: ${positiveMm2.toFixed(4)} mm² of DAB-positive pixels exceed the given tissue area of ${given} mm²`);
    area = given;
    pctPositiveArea = Math.min(100, (positiveMm2 * 100) / given);
  }

  const counts = new Map<CellLocation, number>(CELL_LOCATIONS.map((l) => [l, 0]));
  let positive = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (!(c.grade >= minGrade)) continue;
    positive++;
    if (!locate) continue;
    const loc = locate(c.x, c.y);
    const n = counts.get(loc);
    if (n === undefined) throw new AnalysisError(`CD163: the location classifier returned '${String(loc)}' for cell ${i}`);
    counts.set(loc, n + 1);
  }
  const density = (n: number): LocationDensity => ({ cells: n, cellsPerMm2: perMm2(n, area) });
  return Cd163Scores.parse({
    tissueAreaMm2: area,
    positiveCells: positive,
    positiveCellsPerMm2: perMm2(positive, area),
    pctPositiveArea,
    byLocation: locate
      ? { endomysial: density(counts.get('endomysial')!), perimysial: density(counts.get('perimysial')!), perivascular: density(counts.get('perivascular')!) }
      : null,
  });
}
