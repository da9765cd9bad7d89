import { z } from 'zod';

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
});
export type Detection = z.infer<typeof Detection>;

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
});
export type TileResult = z.infer<typeof TileResult>;
