import { i0Triple, type I0 } from '../../src/stain/od.js';
import type { StainMatrix } from '../../src/stain/vectors.js';

/**
 * The forward model (Beer–Lambert): intensity I_k = I0_k · 10^(−Σ_j c_j · M[j][k]).
 * Returns float RGB, unrounded, so each test chooses how to quantise. Tests make their pixels
 * with it; the synthetic renderer has its own per-pixel loop (src/synthetic/render.ts).
 */
export function beerLambert(
  concentrations: { h: number; dab: number; res?: number },
  m: StainMatrix,
  i0: I0 = 255,
): [number, number, number] {
  const { h, dab } = concentrations;
  const res = concentrations.res ?? 0;
  const bg = i0Triple(i0);
  const out: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const od = h * m.hematoxylin[k] + dab * m.dab[k] + res * m.residual[k];
    out[k] = bg[k] * Math.pow(10, -od);
  }
  return out;
}
