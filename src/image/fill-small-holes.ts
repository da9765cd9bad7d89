import { ComponentLabeller, componentsOnEdge } from './label.js';

// this thread's labeller and planes, kept between calls (a muscle tile fills holes five times)
const labeller = new ComponentLabeller();
let invBuf = new Uint8Array(0);
let compBuf = new Int32Array(0);

/**
 * Fill 4-connected holes of a binary mask in place when they are smaller than `maxPx`; holes
 * that reach the plane's edge (pockets cut by the crop, not enclosed) are filled only when
 * smaller than `maxEdgePx` (default 0: never).
 */
export function fillSmallHoles(mask: Uint8Array, w: number, h: number, maxPx: number, maxEdgePx = 0): void {
  const n = w * h;
  if (invBuf.length < n) {
    invBuf = new Uint8Array(n);
    compBuf = new Int32Array(n);
  }
  const inv = invBuf.subarray(0, n);
  for (let i = 0; i < n; i++) inv[i] = mask[i] ^ 1;
  const comp = compBuf.subarray(0, n);
  const { count: k, area: size } = labeller.labelWithAreas(inv, w, h, comp, 4);
  const open = componentsOnEdge(comp, w, h, k);
  for (let i = 0; i < n; i++) {
    const c = comp[i];
    if (c !== 0 && size[c] < (open[c] ? maxEdgePx : maxPx)) mask[i] = 1;
  }
}
