import { z } from 'zod';

/** Per-slide scores; units in the names. Definitions: SCIENCE.md "Scores". */
export const SlideScores = z.object({
  tissueAreaMm2: z.number().nonnegative(),
  cells: z.number().int().nonnegative(),
  cellsPerMm2: z.number().nonnegative(),
  positiveCells: z.number().int().nonnegative(),
  positiveCellsPerMm2: z.number().nonnegative(),
  /** % of cells at each grade; sums with pctNegative to 100 */
  pctNegative: z.number(),
  pct1: z.number(),
  pct2: z.number(),
  pct3: z.number(),
  pctPositive: z.number(),
  /** 1·%1+ + 2·%2+ + 3·%3+, 0–300 */
  hScore: z.number().min(0).max(300),
  allredProportion: z.number().int().min(0).max(5),
  allredIntensity: z.number().int().min(0).max(3),
  /** proportion + intensity: 0 or 2–8 */
  allred: z.number().int().min(0).max(8),
  /** DAB-positive tissue pixels / tissue pixels, % */
  pctPositiveArea: z.number().min(0).max(100),
  /** H-score over tissue pixels graded by DAB OD, 0–300 */
  pixelHScore: z.number().min(0).max(300),
});
export type SlideScores = z.infer<typeof SlideScores>;
