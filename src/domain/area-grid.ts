import { z } from 'zod';

/**
 * Where a tile's tissue and DAB pixels lie, coarsely (issue 12: re-scoring inside regions without
 * re-detection needs pixel areas by position, and the tile totals have none). Blocks are
 * `blockPx` square on one grid anchored at the analysis level's origin, so tiles whose cores
 * split a block each count their own pixels of it and the sums add up. Counts are of the same
 * pixels as the tile's totals (QC-excluded tissue left out), so the grid sums to them exactly.
 * Only blocks that touch the tile's core are listed: columns bx0 .. bx0 + cols − 1, rows
 * by0 .. by0 + rows − 1, row-major.
 */
export const AreaGrid = z
  .object({
    blockPx: z.number().int().positive(),
    bx0: z.number().int().nonnegative(),
    by0: z.number().int().nonnegative(),
    cols: z.number().int().nonnegative(),
    rows: z.number().int().nonnegative(),
    tissue: z.array(z.number().int().nonnegative()),
    /** tissue pixels with DAB OD ≥ positiveAreaThreshold */
    dabPositive: z.array(z.number().int().nonnegative()),
    /** tissue pixels graded 1+, 2+, 3+ by DAB OD (grade 0 is the rest of the tissue) */
    grade1: z.array(z.number().int().nonnegative()),
    grade2: z.array(z.number().int().nonnegative()),
    grade3: z.array(z.number().int().nonnegative()),
  })
  .superRefine((g, ctx) => {
    const n = g.cols * g.rows;
    for (const k of ['tissue', 'dabPositive', 'grade1', 'grade2', 'grade3'] as const) {
      if (g[k].length !== n) ctx.addIssue({ code: 'custom', path: [k], message: `has ${g[k].length} blocks but the grid is ${g.cols}×${g.rows}` });
    }
  });
export type AreaGrid = z.infer<typeof AreaGrid>;

/**
 * Side of an area block, µm. 16 µm is about one cell diameter: an exclusion drawn around a fold
 * loses area at most one block deep at its edge, while a 1024 px tile at 0.5 µm/px keeps
 * 32 × 32 blocks (5 counts each, a few kB of JSON) beside its detections. Chosen, not tuned:
 * nothing in the scores depends on it unless regions are drawn.
 */
export const AREA_BLOCK_UM = 16;

/** Block side in analysis px at `mpp` µm/px (at least 1). */
export function areaBlockPx(mpp: number): number {
  return Math.max(1, Math.round(AREA_BLOCK_UM / mpp));
}
