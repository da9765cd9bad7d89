/**
 * The QC entry point of the tile processor: an RGB tile (its core, so blocks of neighbouring
 * tiles do not overlap) in, per-cause block masks and the block statistics the slide-level
 * decisions need out. Pure: typed arrays in and out.
 */
import type { QcParams } from '../../domain/params.js';
import type { RgbRaster } from '../../image/raster.js';
import type { I0 } from '../../stain/od.js';
import type { StainMatrix } from '../../stain/vectors.js';
import { blockGrid, blockStats, type BlockGrid, type QcBlockStats } from './blocks.js';
import { bubbleMask } from './bubble.js';
import { iceMask } from './ice.js';
import { penMask } from './pen.js';
import { qcPlanes, QcPlaneScratch, type QcPlanes, type QcStainPlanes } from './planes.js';
import { stageClock } from '../../runtime/stage-clock.js';

export const QC_CAUSES = ['focus', 'fold', 'ice', 'pen', 'bubble'] as const;
export type QcCause = (typeof QC_CAUSES)[number];

export interface QcTileInput {
  rgb: RgbRaster;
  /** µm per pixel of the raster */
  mpp: number;
  /** the slide's background intensity (flat-field corrected where the caller has one) */
  i0: I0;
  /** the slide's stain vectors (pen marks lie off their plane) */
  stain: StainMatrix;
  /** a frozen muscle section: look for freezing artefact */
  muscle: boolean;
  /** log10 S per pixel of the raster where the slide's illumination is uneven (flat field) */
  light?: Float32Array;
  /** the raster deconvolved with `stain`, `i0` and `light`, where the caller has it (not done again) */
  stains?: QcStainPlanes;
}

export interface QcTileResult {
  /** block side, µm, and px of this raster */
  blockUm: number;
  blockPx: number;
  stats: QcBlockStats;
  /** causes decided per tile; focus and folds are decided by qcSlide against the slide's blocks */
  masks: { pen: Uint8Array; ice: Uint8Array | null; bubble: Uint8Array };
}

/**
 * statsOnly: the block statistics alone, masks left empty — what the slide's focus and fold
 * references read (qcReference), at about half the cost (no ink smoothing, no mask searches).
 */
// this thread's plane buffers: a tile's planes live only inside qcTile
const scratch = new QcPlaneScratch();

export function qcTile(input: QcTileInput, p: QcParams, opts: { statsOnly?: boolean } = {}): QcTileResult {
  const { rgb, mpp } = input;
  if (!(mpp > 0)) throw new RangeError(`QC needs a positive µm/px, got ${mpp}`);
  const blockPx = Math.max(2, Math.round(p.blockUm / mpp));
  const g = blockGrid(rgb.width, rgb.height, blockPx);
  const statsOnly = opts.statsOnly === true;
  const pl = qcPlanes(rgb, input.i0, input.stain, p.smoothUm / mpp, p.coarseUm / mpp, p.focusPlane, statsOnly ? null : p.penSmoothUm / mpp, scratch, input.light, input.stains);
  stageClock.lap('qc: planes');
  const stats = blockStats(pl, g, p.tissueOd, p.causes.includes('fold') ? p.foldPercentile : null);
  stageClock.lap('qc: block statistics');
  if (statsOnly) {
    const none = new Uint8Array(g.cols * g.rows);
    return { blockUm: blockPx * mpp, blockPx, stats, masks: { pen: none, ice: null, bubble: none } };
  }
  return {
    blockUm: blockPx * mpp,
    blockPx,
    stats,
    masks: qcMasks(pl, g, mpp, p, input.muscle),
  };
}

function qcMasks(pl: QcPlanes, g: BlockGrid, mpp: number, p: QcParams, muscle: boolean): QcTileResult['masks'] {
  const pen = penMask(pl, g, mpp, p);
  stageClock.lap('qc: pen');
  const ice = muscle ? iceMask(pl, g, mpp, p) : null;
  stageClock.lap('qc: ice');
  const bubble = bubbleMask(pl, g, mpp, p);
  stageClock.lap('qc: bubble');
  return { pen, ice, bubble };
}
