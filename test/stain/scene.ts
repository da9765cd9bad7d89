import { beerLambert } from './beer-lambert.js';
import type { StainMatrix } from '../../src/stain/vectors.js';
import { gaussian, prng } from './prng.js';

export interface SceneMix {
  /** fractions of pixels; the rest is glass */
  pureH: number;
  pureDab: number;
  mixed: number;
  /** DAB OD range of pure-DAB and mixed pixels; default [0.2, 1.2] */
  dabRange?: [number, number];
}

/**
 * Interleaved 8-bit RGB of a stained section rendered by Beer–Lambert: pure hematoxylin (nuclei),
 * pure DAB, mixtures, and glass, with Gaussian sensor noise of `noise` levels before rounding.
 */
export function renderScene(m: StainMatrix, i0: [number, number, number], mix: SceneMix, pixels: number, seed: number, noise = 1.5): Uint8Array {
  const rand = prng(seed);
  const g = gaussian(rand);
  const out = new Uint8Array(pixels * 3);
  const [dLo, dHi] = mix.dabRange ?? [0.2, 1.2];
  for (let p = 0; p < pixels; p++) {
    const u = rand();
    let h = 0, dab = 0;
    if (u < mix.pureH) h = 0.2 + rand();
    else if (u < mix.pureH + mix.pureDab) dab = dLo + (dHi - dLo) * rand();
    else if (u < mix.pureH + mix.pureDab + mix.mixed) {
      h = 0.1 + 0.7 * rand();
      dab = dLo + (dHi - dLo) * rand();
    }
    const rgb = beerLambert({ h, dab }, m, i0);
    for (let k = 0; k < 3; k++) out[p * 3 + k] = Math.min(255, Math.max(0, Math.round(rgb[k] + noise * g())));
  }
  return out;
}
