/**
 * QC in the tile processor and in the plan's reference sample: the same crop (the tile's core, so
 * blocks of neighbouring tiles never overlap) with the same illumination correction, so the
 * references the plan computes and the blocks the tiles judge are measured alike.
 */
import type { Rect, TileSpec } from '../domain/detection.js';
import type { QcParams } from '../domain/params.js';
import { encodeBlockMask, QC_CAUSE_IDS, type QcReference, type TileQc } from '../domain/qc.js';
import { qcDecideTile, qcTile, type QcTileMasks, type QcTileResult } from '../detect/qc/index.js';
import type { QcStainPlanes } from '../detect/qc/planes.js';
import { rgbRaster, type RgbRaster } from '../image/raster.js';
import type { I0 } from '../stain/od.js';
import type { StainMatrix } from '../stain/vectors.js';
import { stageClock } from '../runtime/stage-clock.js';

export interface CoreQcContext {
  mpp: number;
  i0: I0;
  stain: StainMatrix;
  muscle: boolean;
}

/**
 * qcTile on the part `core` of a raster read over `read`, with the illumination read into its OD
 * (log10 S added, as the tile's deconvolution does); `light` is log10 S over `read`. The crop kept
 * the bytes and the light apart: dividing each pixel by S (a power of ten per pixel) and rounding
 * back to bytes cost 12 % of a cell tile's time on a slide with uneven light.
 */
export function qcOfCore(rgb: RgbRaster, read: Rect, core: Rect, light: Float32Array | undefined, ctx: CoreQcContext, p: QcParams, opts: { statsOnly?: boolean; stains?: QcStainPlanes } = {}): QcTileResult {
  const w = core.x1 - core.x0;
  const h = core.y1 - core.y0;
  const out = rgbRaster(w, h);
  const coreLight = light ? new Float32Array(w * h) : undefined;
  // the tile's deconvolution over `read`, cropped (deconvolution is per pixel: the same values)
  const coreStains = opts.stains ? { hematoxylin: new Float32Array(w * h), dab: new Float32Array(w * h) } : undefined;
  for (let y = 0; y < h; y++) {
    const i = (y + core.y0 - read.y0) * rgb.width + core.x0 - read.x0;
    out.data.set(rgb.data.subarray(i * 3, (i + w) * 3), y * w * 3);
    if (light && coreLight) coreLight.set(light.subarray(i, i + w), y * w);
    if (opts.stains && coreStains) {
      coreStains.hematoxylin.set(opts.stains.hematoxylin.subarray(i, i + w), y * w);
      coreStains.dab.set(opts.stains.dab.subarray(i, i + w), y * w);
    }
  }
  stageClock.lap('qc: core crop');
  return qcTile({ rgb: out, mpp: ctx.mpp, i0: ctx.i0, stain: ctx.stain, muscle: ctx.muscle, light: coreLight, stains: coreStains }, p, { statsOnly: opts.statsOnly });
}

/** A tile's decided QC: its block grid over the core and the final masks. */
export interface TileExclusion {
  tile: QcTileResult;
  masks: QcTileMasks;
  core: Rect;
}

/** `done`: the tile's QC already computed on the same core (the plan's reference sample), used as is; `stains`: the tile's deconvolution over its read rectangle. */
export function decideTileExclusion(rgb: RgbRaster, tile: TileSpec, light: Float32Array | undefined, ctx: CoreQcContext, reference: QcReference, p: QcParams, done?: QcTileResult, stains?: QcStainPlanes): TileExclusion {
  const t = done ?? qcOfCore(rgb, tile.read, tile.core, light, ctx, p, { stains });
  const masks = qcDecideTile(t, reference, p);
  stageClock.lap('qc: focus and fold decisions');
  return { tile: t, masks, core: tile.core };
}

/** The block of an analysis-level point (px) of the tile's core, or -1 outside it. */
export function blockAt(e: TileExclusion, x: number, y: number): number {
  const bx = Math.floor((x - e.core.x0) / e.tile.blockPx);
  const by = Math.floor((y - e.core.y0) / e.tile.blockPx);
  const { cols, rows } = e.tile.stats;
  if (bx < 0 || by < 0 || bx >= cols || by >= rows) return -1;
  return by * cols + bx;
}

/** Whether an analysis-level point (px) lies in an excluded block; undefined outside the tile's core. */
export function exclusionAt(e: TileExclusion, x: number, y: number): boolean | undefined {
  const b = blockAt(e, x, y);
  return b < 0 ? undefined : e.masks.any[b] === 1;
}

/** Whether an analysis-level point (px) lies in an excluded block. */
export function isExcluded(e: TileExclusion, x: number, y: number): boolean {
  return exclusionAt(e, x, y) === true;
}

/**
 * The tile's QC record from the tissue pixels each excluded block held (the analysis' own tissue
 * rule, so the excluded share compares with the tissue area the scores use).
 */
export function tileQcRecord(e: TileExclusion, excludedTissueByBlock: Uint32Array): TileQc {
  const counts = { focus: 0, fold: 0, ice: 0, pen: 0, bubble: 0, any: 0 };
  for (let b = 0; b < excludedTissueByBlock.length; b++) {
    const n = excludedTissueByBlock[b];
    if (n === 0) continue;
    counts.any += n;
    for (const c of QC_CAUSE_IDS) if (e.masks[c][b]) counts[c] += n;
  }
  const { cols, rows } = e.tile.stats;
  return {
    blockPx: e.tile.blockPx,
    blockUm: e.tile.blockUm,
    cols,
    rows,
    x0: e.core.x0,
    y0: e.core.y0,
    excludedTissuePixels: counts,
    masks: {
      focus: encodeBlockMask(e.masks.focus),
      fold: encodeBlockMask(e.masks.fold),
      ice: encodeBlockMask(e.masks.ice),
      pen: encodeBlockMask(e.masks.pen),
      bubble: encodeBlockMask(e.masks.bubble),
    },
  };
}
