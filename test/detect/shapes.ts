import { floatPlane, type FloatPlane } from '../../src/image/raster.js';

/** A plane of `base` OD with filled discs of OD `value` added (hand-made nuclei). */
export function discPlane(w: number, h: number, discs: Array<{ x: number; y: number; r: number; value: number }>, base = 0): FloatPlane {
  const p = floatPlane(w, h);
  p.data.fill(base);
  for (const d of discs) {
    for (let y = Math.max(0, Math.floor(d.y - d.r)); y <= Math.min(h - 1, Math.ceil(d.y + d.r)); y++) {
      for (let x = Math.max(0, Math.floor(d.x - d.r)); x <= Math.min(w - 1, Math.ceil(d.x + d.r)); x++) {
        const i = y * w + x;
        if ((x - d.x) ** 2 + (y - d.y) ** 2 <= d.r * d.r) p.data[i] = Math.max(p.data[i], base + d.value);
      }
    }
  }
  return p;
}

export { prng } from '../stain/prng.js';
