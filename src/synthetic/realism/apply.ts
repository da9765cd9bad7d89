/**
 * The artefacts as changes to planted stain concentrations (before optics) plus a third,
 * non-stain absorber (ink, bubble rims), and the focus weights the renderer blends with.
 * Every value depends on the global pixel position only.
 */
import { forEachCellNear } from '../cell-grid.js';
import type { PlantedBuffers } from '../planted.js';
import { arcBandBox, bubbleReach, bubbleZone, clipBox, focusWeight, inArcBand, type PlantedRealism } from './geometry.js';

const NEUTRAL = 1 / Math.sqrt(3);

/**
 * Folds (concentrations × factor), bubbles (flat interior, dark rim) and pen ink over the
 * rectangle [x0, x0+w) × [y0, y0+h). `ink` holds per-channel OD planes and is overwritten.
 */
export function applyArtefacts(r: PlantedRealism, x0: number, y0: number, w: number, h: number, buf: PlantedBuffers, ink: Float32Array[]): void {
  const n = w * h;
  for (const plane of ink) plane.fill(0, 0, n);
  const { h: hc, dab } = buf;
  for (const f of r.folds) {
    const box = clipBox(arcBandBox(f.band), x0, y0, w, h);
    if (!box) continue;
    forBox(box, x0, y0, w, (x, y, p) => {
      if (!inArcBand(f.band, x, y)) return;
      hc[p] *= f.factor;
      dab[p] *= f.factor;
    });
  }
  const [ir, ig, ib] = ink;
  for (const b of r.bubbles) {
    const reach = bubbleReach(b);
    const box = clipBox({ x0: b.cx - reach, y0: b.cy - reach, x1: b.cx + reach, y1: b.cy + reach }, x0, y0, w, h);
    if (!box) continue;
    forBox(box, x0, y0, w, (x, y, p) => {
      const zone = bubbleZone(b, x, y);
      if (zone === 0) return;
      // what lies under a bubble is seen through a flat, texture-free film
      hc[p] = b.interiorH;
      dab[p] = 0;
      const od = (zone === 2 ? b.rimOd : b.interiorOd) * NEUTRAL;
      ir[p] += od;
      ig[p] += od;
      ib[p] += od;
    });
  }
  for (const pen of r.pens) {
    const box = clipBox(arcBandBox(pen.band), x0, y0, w, h);
    if (!box) continue;
    const [vr, vg, vb] = pen.vector;
    forBox(box, x0, y0, w, (x, y, p) => {
      if (!inArcBand(pen.band, x, y)) return;
      ir[p] += pen.od * vr;
      ig[p] += pen.od * vg;
      ib[p] += pen.od * vb;
    });
  }
}

/** Blend weight of the heavy blur per pixel of the rectangle, or null when no focus patch reaches it. */
export function focusWeights(r: PlantedRealism, x0: number, y0: number, w: number, h: number): Float32Array | null {
  let out: Float32Array | null = null;
  for (const f of r.focus) {
    const box = clipBox({ x0: f.cx - f.outer, y0: f.cy - f.outer, x1: f.cx + f.outer, y1: f.cy + f.outer }, x0, y0, w, h);
    if (!box) continue;
    const o = (out ??= new Float32Array(w * h));
    forBox(box, x0, y0, w, (x, y, p) => {
      const v = focusWeight(f, x, y);
      if (v > o[p]) o[p] = v;
    });
  }
  return out;
}

/** Ice-crystal holes: no tissue, no stain (glass), except where a planted cell lies. */
export function punchIceHoles(r: PlantedRealism | null, x0: number, y0: number, w: number, h: number, buf: PlantedBuffers): void {
  if (!r || !r.iceGrid) return;
  const { ice } = r;
  const { h: hc, dab, tissue, owner } = buf;
  forEachCellNear(r.iceGrid, x0, y0, x0 + w - 1, y0 + h - 1, r.iceMaxR, (id) => {
    const c = ice[id];
    const box = clipBox({ x0: c.cx - c.r, y0: c.cy - c.r, x1: c.cx + c.r, y1: c.cy + c.r }, x0, y0, w, h);
    if (!box) return;
    const r2 = c.r * c.r;
    forBox(box, x0, y0, w, (x, y, p) => {
      if ((x - c.cx) ** 2 + (y - c.cy) ** 2 > r2 || owner[p] >= 0) return;
      hc[p] = 0;
      dab[p] = 0;
      tissue[p] = 0;
    });
  });
}

export function inIceHole(r: PlantedRealism | null, x: number, y: number): boolean {
  if (!r || !r.iceGrid) return false;
  let hit = false;
  forEachCellNear(r.iceGrid, x, y, x, y, r.iceMaxR, (id) => {
    const c = r.ice[id];
    if ((x - c.cx) ** 2 + (y - c.cy) ** 2 <= c.r * c.r) hit = true;
  });
  return hit;
}

function forBox(box: { x0: number; y0: number; x1: number; y1: number }, x0: number, y0: number, w: number, visit: (x: number, y: number, p: number) => void): void {
  for (let y = box.y0; y <= box.y1; y++) {
    let p = (y - y0) * w + (box.x0 - x0);
    for (let x = box.x0; x <= box.x1; x++, p++) visit(x, y, p);
  }
}
