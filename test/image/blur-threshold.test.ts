import { describe, expect, it } from 'vitest';
import { blurThreshold } from '../../src/image/blur-threshold.js';
import { gaussianBlur } from '../../src/image/gaussian.js';
import { floatPlane } from '../../src/image/raster.js';

/** A tissue-like OD plane: tissue (0.3 ± noise) with glass discs and a glass margin, values straddling t near their edges. */
function section(w: number, h: number, seed: number): Float32Array<ArrayBuffer> {
  let s = seed;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const holes = Array.from({ length: 6 }, () => [rnd() * w, rnd() * h, 3 + rnd() * 12] as const);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const glass = x < w * 0.15 || holes.some(([cx, cy, r]) => Math.hypot(x - cx, y - cy) < r);
      out[y * w + x] = Math.max(0, (glass ? 0.01 : 0.3) + 0.02 * (rnd() - 0.5));
    }
  }
  return out;
}

describe('blurThreshold', () => {
  it('gives the bits of thresholding the whole blur: tissue with lumens and a glass margin, every σ, on and off block edges', () => {
    for (const [w, h, seed] of [[200, 150, 1], [97, 61, 2], [33, 300, 3], [1, 40, 4]] as const) {
      const od = section(w, h, seed);
      for (const sigma of [0, 0.5, 1, 2.5, 20]) {
        const blurred = gaussianBlur(floatPlane(w, h, od.slice()), sigma).data;
        for (const t of [0.025, 0.1, 0.3]) {
          const want = Uint8Array.from(blurred, (v) => (v >= t ? 1 : 0));
          expect(blurThreshold(od, w, h, sigma, t)).toEqual(want);
        }
      }
    }
  });

  it('on a plane mostly near the threshold it blurs it whole, with the same bits', () => {
    const [w, h] = [120, 90];
    const od = Float32Array.from({ length: w * h }, (_, i) => 0.1 + 0.02 * Math.sin(i * 0.37));
    const want = Uint8Array.from(gaussianBlur(floatPlane(w, h, od.slice()), 1).data, (v) => (v >= 0.1 ? 1 : 0));
    expect(blurThreshold(od, w, h, 1, 0.1)).toEqual(want);
    expect(want.some((v) => v === 1) && want.some((v) => v === 0)).toBe(true);
  });

  it('refuses a threshold that is not positive', () => {
    expect(() => blurThreshold(new Float32Array(4), 2, 2, 1, 0)).toThrow(/positive threshold/);
  });
});
