import type { TileSpec } from '../domain/detection.js';
import { AnalysisError } from '../domain/errors.js';
import type { AnalysisParams } from '../domain/params.js';
import { chooseLevel } from '../slide/choose-level.js';
import { tileGrid } from '../slide/tile-grid.js';
import { tissueMask } from '../slide/tissue-mask.js';
import type { Slide, SlideLevel } from '../slide/types.js';

export interface SlidePlan {
  level: SlideLevel;
  /** analysis pixels of overlap on each tile side */
  overlapPx: number;
  tiles: TileSpec[];
  /** tiles in the full grid, tissue or not */
  gridTiles: number;
}

/** Level choice, low-resolution tissue mask and the tile grid over tissue only. */
export async function planSlide(slide: Slide, params: AnalysisParams): Promise<SlidePlan> {
  const level = slide.levels[chooseLevel(slide.levels, params.targetMpp)];
  const thumb = await slide.readThumbnail(params.tissue.maskMpp);
  const mask = tissueMask(thumb.raster, { odThreshold: params.tissue.odThreshold, i0: params.stain.i0 });
  const overlapPx = Math.ceil(params.overlapUm / level.mpp);
  const tiles = tileGrid({
    width: level.width,
    height: level.height,
    tileSize: params.tileSize,
    overlap: overlapPx,
    mask: { ...mask, scale: level.width / mask.width },
  });
  if (tiles.length === 0) {
    throw new AnalysisError(`${slide.path}: no tissue found (every pixel of the ${thumb.raster.width}×${thumb.raster.height} overview is background)`);
  }
  const gridTiles = Math.ceil(level.width / params.tileSize) * Math.ceil(level.height / params.tileSize);
  return { level, overlapPx, tiles, gridTiles };
}

/** Enough batches to keep every worker busy to the end, few enough that job overhead stays small. */
export function batchSizeFor(tileCount: number, concurrency: number, maxBatch = 8): number {
  return Math.max(1, Math.min(maxBatch, Math.ceil(tileCount / (concurrency * 4))));
}
