import type { TileSpec } from '../domain/detection.js';
import { AnalysisError } from '../errors/index.js';
import { tileSizeOf, type AnalysisParams } from '../domain/params.js';
import { chooseLevel } from '../slide/choose-level.js';
import { tileGrid } from '../slide/tile-grid.js';
import { tissueMask, type TissueMask } from '../detect/tissue-mask.js';
import type { Slide, SlideLevel } from '../slide/types.js';
import type { RgbRaster } from '../image/raster.js';
import { rescaleFlatField } from '../stain/flat-field.js';
import { estimateIllumination } from '../stain/illumination.js';
import type { I0 } from '../stain/od.js';
import type { FlatField, IlluminationSummary } from '../domain/illumination.js';

export interface SlidePlan {
  level: SlideLevel;
  /** analysis pixels of overlap on each tile side */
  overlapPx: number;
  tiles: TileSpec[];
  /** tiles in the full grid, tissue or not */
  gridTiles: number;
  /** background intensity for optical density: the slide's glass, or the white point (fixed parameter) */
  i0: I0;
  /** relative illumination on the level's pixel frame: OD is taken against I0 · S(x, y); absent = uniform */
  flatField?: FlatField;
  /** glass found or not, I0 source, illumination range: stored with the scores */
  illumination: IlluminationSummary;
  /** why I0 is the white point where an estimate was asked for */
  i0Note?: string;
}

/** Level choice, low-resolution tissue mask and the tile grid over tissue only. */
export async function planSlide(slide: Slide, params: AnalysisParams): Promise<SlidePlan> {
  const level = slide.levels[chooseLevel(slide.levels, params.targetMpp)];
  const thumb = await slide.readThumbnail(params.tissue.maskMpp);
  const light = estimateIllumination(thumb.raster, {
    ...params.illumination,
    fit: params.illumination.mode === 'fit',
    background: params.stain.background,
    i0: params.stain.i0,
    minGlassFraction: params.stain.minGlassFraction,
    minGlassPixels: params.stain.minGlassPixels,
  });
  const { i0 } = light;
  // no glass in view: the section fills the field, and all of it is tissue (stained or not)
  const mask = light.summary.glass || params.stain.background === 'fixed'
    ? tissueMask(thumb.raster, { odThreshold: params.tissue.odThreshold, i0, flatField: light.flatField })
    : wholeField(thumb.raster);
  const overlapUm = params.muscle.enabled ? Math.max(params.overlapUm, params.muscle.overlapUm) : params.overlapUm;
  const overlapPx = Math.ceil(overlapUm / level.mpp);
  const tileSize = tileSizeOf(params);
  const tiles = tileGrid({
    width: level.width,
    height: level.height,
    tileSize,
    overlap: overlapPx,
    mask: { ...mask, scale: level.width / mask.width },
  });
  if (tiles.length === 0) {
    throw new AnalysisError(`${slide.path}: no tissue found (every pixel of the ${thumb.raster.width}×${thumb.raster.height} overview is background)`);
  }
  const gridTiles = Math.ceil(level.width / tileSize) * Math.ceil(level.height / tileSize);
  const flatField = light.flatField && rescaleFlatField(light.flatField, level.width, level.height);
  return { level, overlapPx, tiles, gridTiles, i0, flatField, illumination: light.summary, i0Note: light.note };
}

function wholeField(overview: RgbRaster): TissueMask {
  return { width: overview.width, height: overview.height, data: new Uint8Array(overview.width * overview.height).fill(1) };
}

/** Enough batches to keep every worker busy to the end, few enough that job overhead stays small. */
export function batchSizeFor(tileCount: number, concurrency: number, maxBatch = 8): number {
  return Math.max(1, Math.min(maxBatch, Math.ceil(tileCount / (concurrency * 4))));
}

/**
 * Batch sizes that shrink towards the end of the tile list (guided self-scheduling): each batch
 * is batchSizeFor of the tiles still left, so the first batches keep job overhead small and the
 * last ones are single tiles, and no worker waits long for another to finish a batch. Fixed
 * batches of 4 left one core idle for the last 2.6 s of a 36 s tile run of the bench's 10 000²
 * muscle section (25 tiles of ~3 s, the twelve whose QC the plan made much cheaper than the rest),
 * and of 8 for the last 1.8 s of its 17 s cell run.
 */
export function guidedBatchSizes(tileCount: number, concurrency: number, maxBatch = 8): number[] {
  const sizes: number[] = [];
  for (let left = tileCount; left > 0; ) {
    const size = batchSizeFor(left, concurrency, maxBatch);
    sizes.push(size);
    left -= size;
  }
  return sizes;
}
