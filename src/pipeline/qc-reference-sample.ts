/**
 * The slide's QC references at plan time (issue 10 point 4): focus and folds are judged against
 * the slide's own distribution, so the plan reads the cores of an evenly spread sample of its
 * tissue tiles at analysis resolution and takes the medians there. Shipping every tile's block
 * statistics to the aggregate step instead would mean storing ~16 000 blocks per tile.
 */
import type { TileSpec } from '../domain/detection.js';
import type { AnalysisParams } from '../domain/params.js';
import type { QcReference } from '../domain/qc.js';
import { qcReference, type QcTileResult } from '../detect/qc/index.js';
import type { Slide } from '../slide/types.js';
import { flatFieldPlane } from '../stain/flat-field.js';
import type { StainChoice } from './estimate-stains.js';
import type { SlidePlan } from './plan-slide.js';
import { qcOfCore } from './tile-qc.js';

/** Up to n tiles spread evenly over the list (its order is the grid's, row by row), always the same ones. */
export function referenceTilesOf(tiles: readonly TileSpec[], n: number): TileSpec[] {
  if (tiles.length <= n) return [...tiles];
  const step = tiles.length / n;
  return Array.from({ length: n }, (_, i) => tiles[Math.floor((i + 0.5) * step)]);
}

export interface QcReferenceSample {
  reference: QcReference;
  /** with `keepTiles`: each sampled tile's full QC (masks too), by tile id, for its tile job */
  tiles?: Map<number, QcTileResult>;
}

/**
 * keepTiles: compute each sampled tile's full QC and keep it (embedded mode hands it to the tile's
 * job: qc-precomputed.ts); otherwise the block statistics alone, which is all the references read.
 */
export async function sampleQcReference(slide: Slide, plan: SlidePlan, stains: StainChoice, params: AnalysisParams, opts: { keepTiles?: boolean } = {}): Promise<QcReferenceSample> {
  const sampled = referenceTilesOf(plan.tiles, params.qc.referenceTiles);
  const results = await qcOfTiles(slide, plan, stains, params, sampled, { keepTiles: opts.keepTiles });
  return { reference: qcReference(results, params.qc), ...(opts.keepTiles ? { tiles: new Map(sampled.map((t, i) => [t.id, results[i]])) } : {}) };
}

/** The QC of `tiles`' cores (in their order): full with keepTiles, else the block statistics alone. */
export async function qcOfTiles(slide: Slide, plan: SlidePlan, stains: StainChoice, params: AnalysisParams, tiles: readonly TileSpec[], opts: { keepTiles?: boolean } = {}): Promise<QcTileResult[]> {
  const ctx = { mpp: plan.level.mpp, i0: stains.i0, stain: stains.matrix, muscle: params.muscle.enabled === true };
  const results: QcTileResult[] = [];
  for (const t of tiles) {
    const c = t.core;
    const w = c.x1 - c.x0;
    const h = c.y1 - c.y0;
    const rgb = await slide.readRegion(plan.level.index, c.x0, c.y0, w, h);
    const light = plan.flatField ? flatFieldPlane(plan.flatField, c.x0, c.y0, w, h) : undefined;
    results.push(qcOfCore(rgb, c, c, light, ctx, params.qc, { statsOnly: opts.keepTiles !== true }));
  }
  return results;
}

/** Share `index` of `of` of the reference tiles: every of-th of them from the index-th on. */
export function referenceShareOf(tiles: readonly TileSpec[], n: number, share: { index: number; of: number }): TileSpec[] {
  return referenceTilesOf(tiles, n).filter((_, i) => i % share.of === share.index);
}
