import { z } from 'zod';
import type { Compartment } from './params.js';
import { AreaGrid } from './area-grid.js';
import { TileQc } from './qc.js';

/** One detected cell. Public coordinates are µm in level-0 slide space (DESIGN.md: physical units at boundaries). */
export const Detection = z.object({
  x: z.number(),
  y: z.number(),
  nucleusAreaUm2: z.number().nonnegative(),
  cellAreaUm2: z.number().nonnegative(),
  /** mean hematoxylin OD in the nucleus */
  hematoxylinOd: z.number(),
  dabNucleus: z.number(),
  dabCytoplasm: z.number(),
  dabCell: z.number(),
  /** grade from the chosen compartment's mean DAB OD: 0 negative, 1..3 = 1+..3+ */
  grade: z.number().int().min(0).max(3),
  /**
   * Muscle analyses only (params.muscle): where the cell lies (SCIENCE.md: endomysial, perimysial,
   * perivascular; a cell inside a fibre falls to its fascicle, i.e. endomysial) and whether its
   * centroid is inside a segmented fibre (myonuclei, myophagocytosis: not an infiltrate).
   */
  location: z.enum(['endomysial', 'perimysial', 'perivascular']).optional(),
  inFibre: z.boolean().optional(),
  /**
   * DAB OD of the tissue round the cell as it lies under the grading compartment (params.surroundDab,
   * the IL-1 markers: a plane fitted to a band round the cell): the grade is from the compartment's
   * DAB less this. 0 where no pixel round the cell was free of other cells; absent where the
   * analysis did not measure it.
   */
  dabSurround: z.number().optional(),
});
export type Detection = z.infer<typeof Detection>;

/** A cell's mean DAB OD in `compartment` (before any surround is taken off). */
export function compartmentOd(d: Pick<Detection, 'dabNucleus' | 'dabCytoplasm' | 'dabCell'>, compartment: Compartment): number {
  return compartment === 'nucleus' ? d.dabNucleus : compartment === 'cytoplasm' ? d.dabCytoplasm : d.dabCell;
}

/** One segmented muscle fibre (src/detect/fibres.ts), owned by the tile whose core holds its centroid. */
export const FibreRecord = z.object({
  /** centroid, level-0 µm */
  x: z.number(),
  y: z.number(),
  areaUm2: z.number().nonnegative(),
  minFeretUm: z.number().nonnegative(),
  /** mean DAB OD of the sarcolemmal ring and of the sarcoplasm inside it */
  ringDab: z.number(),
  interiorDab: z.number(),
  peripheralNuclei: z.number().int().nonnegative(),
  internalNuclei: z.number().int().nonnegative(),
  /** on the edge of its fascicle, next to perimysium or tissue-free space */
  perifascicular: z.boolean(),
  /**
   * fibres in its fascicle as its tile saw it (the read rectangle); absent on results stored
   * before issue 18. Few fibres per fascicle everywhere means no fascicle was found.
   */
  fascicleFibres: z.number().int().nonnegative().optional(),
  /** outline, level-0 µm (convex hull of the fibre's pixels, for overlays and GeoJSON) */
  contour: z.array(z.tuple([z.number(), z.number()])).optional(),
});
export type FibreRecord = z.infer<typeof FibreRecord>;

/** A rectangle in analysis-level pixels, half-open: [x0, x1) × [y0, y1). */
export const Rect = z.object({ x0: z.number().int(), y0: z.number().int(), x1: z.number().int(), y1: z.number().int() });
export type Rect = z.infer<typeof Rect>;

/**
 * One tile of the grid: `read` is what is read (core + overlap, clipped to the level),
 * `core` is what the tile owns. A detection belongs to the tile whose core holds its centroid;
 * pixel counts are taken over the core only, so nothing is counted twice at seams.
 */
export const TileSpec = z.object({ id: z.number().int().nonnegative(), read: Rect, core: Rect });
export type TileSpec = z.infer<typeof TileSpec>;

/** Per-tile output: additive, so tile results sum to slide results in any order. */
export const TileResult = z.object({
  tileId: z.number().int().nonnegative(),
  detections: z.array(Detection),
  /** tissue pixels in the core */
  tissuePixels: z.number().int().nonnegative(),
  /** tissue pixels in the core by DAB grade (0, 1+, 2+, 3+) for the pixel-wise H-score */
  pixelGradeCounts: z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int()]),
  /** tissue pixels in the core with DAB OD ≥ positiveAreaThreshold */
  dabPositivePixels: z.number().int().nonnegative(),
  /** muscle analyses only: fibres whose centroid lies in the core */
  fibres: z.array(FibreRecord).optional(),
  /**
   * With params.qc.enabled: what QC excluded from the core. The counts above already leave it out
   * (its pixels are not tissue, its cells and fibres are not reported).
   */
  qc: TileQc.optional(),
  /** where the tissue and DAB pixels above lie, by block (area-grid.ts); absent on results stored before issue 12 */
  areaGrid: AreaGrid.optional(),
});
export type TileResult = z.infer<typeof TileResult>;
