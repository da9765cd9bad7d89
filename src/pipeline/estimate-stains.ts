import type { AnalysisParams } from '../domain/params.js';
import { flatFieldPlane } from '../stain/flat-field.js';
import { enclosedGlassLevel } from '../detect/lumen-level.js';
import { gaussianBlur } from '../image/gaussian.js';
import { floatPlane, rgbRaster, type RgbRaster } from '../image/raster.js';
import { cropRgb } from '../image/crop.js';
import { estimateMacenko } from '../stain/macenko.js';
import { summedOd, type I0 } from '../stain/od.js';
import { HDAB_DEFAULT, type StainMatrix } from '../stain/vectors.js';
import type { Slide } from '../slide/types.js';
import type { SlidePlan } from './plan-slide.js';

export interface StainChoice {
  matrix: StainMatrix;
  /** background intensity used for optical density */
  i0: I0;
  /** why defaults were kept where an estimate was asked for */
  note?: string;
}

/** Background I0 and stain vectors for one slide, as the parameters ask. */
export async function chooseStains(slide: Slide, plan: SlidePlan, params: AnalysisParams): Promise<StainChoice> {
  const notes = plan.i0Note ? [plan.i0Note] : [];
  const whitePoint = plan.illumination.i0Source === 'white-point';
  if (params.stain.mode === 'default' && !whitePoint) return { matrix: HDAB_DEFAULT, i0: plan.i0, note: notes.join('; ') || undefined };

  // Macenko (and the lumen glass) need full-resolution pixels: the overview is too blurred.
  const tiles = plan.tiles;
  const { sampleTiles, sampleSidePx, maxOffPlane, offPlaneRefits, maxDriftDeg } = params.stain;
  const step = Math.max(1, Math.floor(tiles.length / sampleTiles));
  // Macenko reads a corner of each sampled core; the lumens, rarer, the whole core (no glass only)
  const chunks: Uint8Array[] = [];
  const cores: RgbRaster[] = [];
  for (let i = 0; i < tiles.length && chunks.length < sampleTiles; i += step) {
    const c = tiles[i].core;
    const w = Math.min(sampleSidePx, c.x1 - c.x0);
    const h = Math.min(sampleSidePx, c.y1 - c.y0);
    const rw = whitePoint ? c.x1 - c.x0 : w;
    const rh = whitePoint ? c.y1 - c.y0 : h;
    const read = await slide.readRegion(plan.level.index, c.x0, c.y0, rw, rh);
    const region = plan.flatField ? rgbRaster(rw, rh, flattened(read.data, flatFieldPlane(plan.flatField, c.x0, c.y0, rw, rh))) : read;
    if (whitePoint) cores.push(region);
    chunks.push(rw === w && rh === h ? region.data : cropRgb(region, 0, 0, w, h).data);
  }
  const lumen = whitePoint ? i0FromLumens(cores, plan, params) : null;
  if (lumen) notes.push(lumen.note);
  const i0 = lumen ? lumen.i0 : plan.i0;
  if (params.stain.mode === 'default') return { matrix: HDAB_DEFAULT, i0, note: notes.join('; ') || undefined };
  const est = estimateMacenko(concat(chunks), { i0, maxOffPlane, refineSteps: offPlaneRefits, maxDriftDeg });
  if (est.degenerate) {
    notes.push(`Macenko estimation fell back to H-DAB defaults: ${est.reason ?? 'degenerate'}`);
    return { matrix: HDAB_DEFAULT, i0, note: notes.join('; ') };
  }
  for (const stain of est.clamped ?? []) notes.push(`the estimated ${stain === 'dab' ? 'DAB' : 'hematoxylin'} vector lay more than ${maxDriftDeg}° from the default and was not used (the default was)`);
  return { matrix: est.matrix, i0, note: notes.join('; ') || undefined };
}

/**
 * No glass in view, I0 at the white point: glass seen through the section's holes — vessel lumens,
 * found by shape and the darker ring round them (detect/lumen-level.ts) — still tells the
 * background. A camera or scanner whose background sits below the white point (a dim lamp, no
 * white balance: ~215–250 of 255) otherwise puts the same OD on every pixel of every channel;
 * deconvolved, part of it lands in DAB (issue 18 held-out seed 6003, background 227: every MHC-I
 * negative fibre's ring read 0.10–0.115 for 0.05 planted, 27 of them positive, grade 3 for 2).
 * The lowest level over the sampled tiles is taken (a pale fibre passing as a hole reads darker,
 * never brighter), and only when it reads at least params.stain.lumenI0MinOd (summed, against the
 * white point; below that the white point holds) and at least lumenI0MarginOd below the palest 5 %
 * of the section: glass is clearly brighter than any tissue, while the small pale fibres the hole
 * rule also takes read like the palest tissue (lab-light seed 3011, no vessels: 7–9 such holes at
 * 0.133–0.169 with the palest 5 % at 0.142–0.162, against true lumens 0.054–0.145 under 0.139–0.287).
 * Null otherwise.
 */
function i0FromLumens(cores: readonly RgbRaster[], plan: SlidePlan, params: AnalysisParams): { i0: I0; note: string } | null {
  const { lumenI0MinOd, lumenI0MarginOd } = params.stain;
  const mpp = plan.level.mpp;
  let level = Infinity;
  let holes = 0;
  const sample: number[] = [];
  for (const { data: rgb, width: w, height: h } of cores) {
    const smooth = gaussianBlur(floatPlane(w, h, summedOd(rgb, w * h, plan.i0)), params.vessels.lumenSmoothUm / mpp).data;
    for (let i = 0; i < smooth.length; i += 7) sample.push(smooth[i]);
    const l = enclosedGlassLevel(smooth, w, h, mpp, params.vessels);
    if (l === null) continue;
    holes++;
    level = Math.min(level, l);
  }
  if (!(holes > 0 && level >= lumenI0MinOd)) return null;
  const palest = Float64Array.from(sample).sort()[Math.floor(0.05 * (sample.length - 1))];
  if (level > palest - lumenI0MarginOd) return null;
  const k = 10 ** -(level / 3);
  const i0: I0 = typeof plan.i0 === 'number' ? plan.i0 * k : (plan.i0.map((v) => v * k) as unknown as I0);
  const shown = typeof i0 === 'number' ? i0.toFixed(1) : i0.map((v) => v.toFixed(1)).join('/');
  return { i0, note: `I0 ${shown} from the glass seen through vessel lumens in ${holes} of ${cores.length} sampled tiles (summed OD ${level.toFixed(3)} against the white point, the palest 5 % of the section ${palest.toFixed(3)})` };
}

/** Pixels with the illumination divided out (I / S), so one I0 holds for every chunk. */
function flattened(rgb: Uint8Array, log10S: Float32Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(rgb.length);
  for (let p = 0, s = 0; p < log10S.length; p++, s += 3) {
    const k = 10 ** -log10S[p];
    out[s] = Math.min(255, Math.round(rgb[s] * k));
    out[s + 1] = Math.min(255, Math.round(rgb[s + 1] * k));
    out[s + 2] = Math.min(255, Math.round(rgb[s + 2] * k));
  }
  return out;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  return all;
}
