import type { TileSpec } from '../domain/detection.js';
import { AnalysisError } from '../errors/index.js';
import type { AnalysisParams } from '../domain/params.js';
import { chooseLevel } from '../slide/choose-level.js';
import { tileGrid } from '../slide/tile-grid.js';
import { tissueMask } from '../detect/tissue-mask.js';
import type { Slide, SlideLevel } from '../slide/types.js';
import type { RgbRaster } from '../image/raster.js';
import { estimateBackground } from '../stain/background.js';
import type { I0 } from '../stain/od.js';

export interface SlidePlan {
  level: SlideLevel;
  /** analysis pixels of overlap on each tile side */
  overlapPx: number;
  tiles: TileSpec[];
  /** tiles in the full grid, tissue or not */
  gridTiles: number;
  /** background intensity for optical density: the slide's glass, or the fixed parameter */
  i0: I0;
  /** why I0 is the fixed value where an estimate was asked for */
  i0Note?: string;
}

/** Level choice, low-resolution tissue mask and the tile grid over tissue only. */
export async function planSlide(slide: Slide, params: AnalysisParams): Promise<SlidePlan> {
  const level = slide.levels[chooseLevel(slide.levels, params.targetMpp)];
  const thumb = await slide.readThumbnail(params.tissue.maskMpp);
  const background = params.stain.background === 'estimate' ? glassIntensity(thumb.raster, params.stain) : undefined;
  const i0: I0 = background ?? params.stain.i0;
  const mask = tissueMask(thumb.raster, { odThreshold: params.tissue.odThreshold, i0 });
  const overlapUm = params.muscle.enabled ? Math.max(params.overlapUm, params.muscle.overlapUm) : params.overlapUm;
  const overlapPx = Math.ceil(overlapUm / level.mpp);
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
  const i0Note =
    params.stain.background === 'estimate' && !background
      ? `background I0 kept at ${params.stain.i0}: no clear glass in the overview`
      : undefined;
  return { level, overlapPx, tiles, gridTiles, i0, i0Note };
}

/**
 * I0 per channel from the overview's glass, before the tissue mask (whose OD needs I0). Glass is
 * the tight bright mode; when no such mode holds enough pixels (tissue fills the view) or the
 * estimate hits its clamp, there is no trustworthy glass and undefined is returned.
 */
export function glassIntensity(overview: RgbRaster, need: Pick<AnalysisParams['stain'], 'minGlassFraction' | 'minGlassPixels'>): [number, number, number] | undefined {
  const est = estimateBackground(overview.data);
  const pixels = overview.width * overview.height;
  if (est.clamped || est.pixels < Math.max(need.minGlassPixels, need.minGlassFraction * pixels)) return undefined;
  return est.i0;
}

/** Enough batches to keep every worker busy to the end, few enough that job overhead stays small. */
export function batchSizeFor(tileCount: number, concurrency: number, maxBatch = 8): number {
  return Math.max(1, Math.min(maxBatch, Math.ceil(tileCount / (concurrency * 4))));
}
