import type { AnalysisParams } from '../domain/params.js';
import { flatFieldPlane } from '../stain/flat-field.js';
import { estimateMacenko } from '../stain/macenko.js';
import type { I0 } from '../stain/od.js';
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
  const i0 = plan.i0;
  if (params.stain.mode === 'default') return { matrix: HDAB_DEFAULT, i0, note: notes.join('; ') || undefined };

  // Macenko needs full-resolution pixels: the overview is too blurred to separate stains.
  const tiles = plan.tiles;
  const { sampleTiles, sampleSidePx, maxOffPlane, offPlaneRefits, maxDriftDeg } = params.stain;
  const step = Math.max(1, Math.floor(tiles.length / sampleTiles));
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < tiles.length && chunks.length < sampleTiles; i += step) {
    const c = tiles[i].core;
    const w = Math.min(sampleSidePx, c.x1 - c.x0);
    const h = Math.min(sampleSidePx, c.y1 - c.y0);
    const rgb = (await slide.readRegion(plan.level.index, c.x0, c.y0, w, h)).data;
    chunks.push(plan.flatField ? flattened(rgb, flatFieldPlane(plan.flatField, c.x0, c.y0, w, h)) : rgb);
  }
  const est = estimateMacenko(concat(chunks), { i0, maxOffPlane, refineSteps: offPlaneRefits, maxDriftDeg });
  if (est.degenerate) {
    notes.push(`Macenko estimation fell back to H-DAB defaults: ${est.reason ?? 'degenerate'}`);
    return { matrix: HDAB_DEFAULT, i0, note: notes.join('; ') };
  }
  for (const stain of est.clamped ?? []) notes.push(`the estimated ${stain === 'dab' ? 'DAB' : 'hematoxylin'} vector lay more than ${maxDriftDeg}° from the default and was not used (the default was)`);
  return { matrix: est.matrix, i0, note: notes.join('; ') || undefined };
}

/** Pixels with the illumination divided out (I / S), so one I0 holds for every chunk. */
function flattened(rgb: Uint8Array, log10S: Float32Array): Uint8Array {
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
