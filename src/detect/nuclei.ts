import type { AnalysisParams } from '../domain/params.js';
import { floatPlane, type FloatPlane } from '../image/raster.js';
import { BoxGaussian } from '../image/box-gaussian.js';
import { CoarseOpening } from '../image/coarse-opening.js';
import { EdgeMask } from './edge-mask.js';
import { gaussianBlur } from '../image/gaussian.js';
import { NucleusRegions, type Nucleus } from './nucleus-regions.js';
import type { WatershedOptions } from '../image/watershed.js';
import { stageClock } from '../runtime/stage-clock.js';

export type { Nucleus } from './nucleus-regions.js';

export type NucleusParams = AnalysisParams['nucleus'];

/** The shape split of touching nuclei in px (null: each component kept whole); both detectors use it. */
export function nucleusSplitOptions(p: NucleusParams, mpp: number): WatershedOptions | null {
  if (!p.splitTouching) return null;
  return { dynamic: p.splitDynamicUm / mpp, minSeparation: p.splitMinSeparationUm / mpp, relativeDynamic: p.splitRelativeDynamic, thinPeak: p.splitThinPeakUm / mpp };
}

export interface NucleusDetection {
  /** per pixel: nucleus label 1..nuclei.length, 0 elsewhere */
  labels: Int32Array;
  nuclei: Nucleus[];
  /** inclusive bounding box per nucleus, x0 y0 x1 y1 at 4·(label − 1); valid until the detector's next call */
  boxes: Int32Array;
}

// split and edge constants: AnalysisParams.nucleus (params.ts), with their tuning notes

/**
 * Nucleus detection on a hematoxylin OD plane (QuPath-style, SCIENCE.md "Cells"): Gaussian
 * smoothing (box cascade), background subtraction by opening (block grid, CoarseOpening), global
 * threshold with a local half-maximum edge (EdgeMask, at candidate pixels only), then per
 * component hole filling, distance-transform watershed to split touching nuclei and area limits
 * (NucleusRegions). Scratch buffers are kept and reused across calls of one detector (one per
 * worker thread).
 */
export class NucleusDetector {
  private readonly background = new CoarseOpening();
  private readonly edge = new EdgeMask();
  private readonly regions = new NucleusRegions();
  private readonly box = new BoxGaussian();
  private n = 0;
  private smooth = new Float32Array(0);
  private scratch = new Float32Array(0);
  private mask = new Uint8Array(0);
  private pixels = new Int32Array(0);
  private bg = new Float32Array(0);

  private ensure(n: number): void {
    if (this.n >= n) return;
    this.n = n;
    this.smooth = new Float32Array(n);
    this.scratch = new Float32Array(n);
    this.mask = new Uint8Array(n);
    this.pixels = new Int32Array(n);
    this.bg = new Float32Array(n);
  }

  /**
   * `labels`, when given (width·height), is filled and returned instead of a new array.
   * `origin`: level coordinates of the plane's pixel (0, 0) — the background grid is aligned to
   * them so overlapping tiles agree.
   */
  detect(hematoxylin: FloatPlane, mpp: number, p: NucleusParams, labels?: Int32Array, origin: { x: number; y: number } = { x: 0, y: 0 }): NucleusDetection {
    if (!(mpp > 0)) throw new RangeError(`pixel size must be positive, got ${mpp} µm/px`);
    const { width: w, height: h } = hematoxylin;
    const n = w * h;
    this.ensure(n);
    const out = labels && labels.length >= n ? labels : new Int32Array(n);
    const smooth = floatPlane(w, h, this.smooth.subarray(0, n));
    const bg = this.bg;
    // σ = 3 px at the default 1.5 µm, 0.5 µm/px: the box cascade has the same variance at half the
    // time of the 19-tap kernel; below 1 px (few taps) the sampled kernel is as cheap and more faithful.
    const sigmaPx = p.sigmaUm / mpp;
    if (sigmaPx >= 1) this.box.blur(hematoxylin.data, smooth.data, w, h, sigmaPx, this.scratch);
    else gaussianBlur(hematoxylin, sigmaPx, smooth, this.scratch);
    stageClock.lap('nuclei: smoothing');
    const bgR = Math.round(p.backgroundRadiusUm / mpp);
    const s = smooth.data;
    if (bgR > 0) this.background.subtract(s, bg, w, h, bgR, origin.x, origin.y);
    // Local half-maximum edge on the lightly smoothed plane, relative to the brightest
    // detection-smoothed value within ±p.edgeWindowUm: the contour sits on the nucleus edge
    // whatever its OD and keeps the neck between touching nuclei.
    stageClock.lap('nuclei: background');
    const r = Math.max(1, Math.round(p.edgeWindowUm / mpp));
    const count = this.edge.build(hematoxylin.data, s, bgR > 0 ? bg : null, w, h, p.hematoxylinThreshold, p.edgeSigmaUm / mpp, r, p.edgeFraction, this.mask, this.pixels);
    stageClock.lap('nuclei: threshold and edges');
    const split = nucleusSplitOptions(p, mpp);
    const nuclei = this.regions.run(this.mask, this.pixels, count, hematoxylin.data, w, h, out, split, p.minAreaUm2 / (mpp * mpp), p.maxAreaUm2 / (mpp * mpp));
    stageClock.lap('nuclei: regions and split');
    return { labels: out, nuclei, boxes: this.regions.boxes.subarray(0, 4 * nuclei.length) };
  }
}

let shared: NucleusDetector | undefined;

/** Convenience entry: one shared detector per thread, fresh label array per call. */
export function detectNuclei(hematoxylin: FloatPlane, mpp: number, p: NucleusParams): NucleusDetection {
  shared ??= new NucleusDetector();
  return shared.detect(hematoxylin, mpp, p);
}
