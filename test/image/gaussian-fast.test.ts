import { describe, expect, it } from 'vitest';
import { gaussianBlur } from '../../src/image/gaussian.js';
import { floatPlane } from '../../src/image/raster.js';
import { noise } from './noise.js';
import { gaussianBlurReference } from './reference/gaussian.js';

describe('gaussianBlur (unrolled taps, three taps per vertical sweep)', () => {
  const sizes: Array<[number, number]> = [[1, 1], [3, 50], [50, 3], [7, 7], [100, 37], [257, 129]];
  for (const sigma of [0.3, 0.6, 1, 1.5, 2, 3, 5, 8]) {
    it(`equals the one-tap-per-sweep blur bit for bit at σ ${sigma} px, every size, in place too`, () => {
      for (const [w, h] of sizes) {
        const src = noise(w, h, w * 1000 + h + Math.round(sigma * 10));
        const want = gaussianBlurReference(floatPlane(w, h, src.slice()), sigma).data;
        const got = gaussianBlur(floatPlane(w, h, src.slice()), sigma).data;
        expect(got).toEqual(want);
        const inPlace = floatPlane(w, h, src.slice());
        gaussianBlur(inPlace, sigma, inPlace);
        expect(inPlace.data).toEqual(want);
      }
      // not a copy: a blur of noise moves values
      const src = noise(64, 64, 5);
      expect(gaussianBlur(floatPlane(64, 64, src), sigma).data).not.toEqual(src);
    });
  }
});
