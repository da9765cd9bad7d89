import { ComponentLabeller } from './label.js';

/**
 * Fill 4-connected holes of a binary mask in place when they are smaller than `maxPx`; holes
 * that reach the plane's edge (pockets cut by the crop, not enclosed) are filled only when
 * smaller than `maxEdgePx` (default 0: never).
 */
export function fillSmallHoles(mask: Uint8Array, w: number, h: number, maxPx: number, maxEdgePx = 0): void {
  const n = w * h;
  const inv = new Uint8Array(n);
  for (let i = 0; i < n; i++) inv[i] = mask[i] ^ 1;
  const comp = new Int32Array(n);
  const k = new ComponentLabeller().label(inv, w, h, comp, 4);
  const size = new Int32Array(k + 1);
  const open = new Uint8Array(k + 1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = comp[y * w + x];
      if (c === 0) continue;
      size[c]++;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) open[c] = 1;
    }
  }
  for (let i = 0; i < n; i++) {
    const c = comp[i];
    if (c !== 0 && size[c] < (open[c] ? maxEdgePx : maxPx)) mask[i] = 1;
  }
}
