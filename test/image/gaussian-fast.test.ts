import { describe, expect, it } from 'vitest';
import { gaussianBlur, gaussianBlurWindow } from '../../src/image/gaussian.js';
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

describe('gaussianBlurWindow', () => {
  it('gives the whole plane blur over its window bit for bit: inside, on every edge, the whole plane, windows reaching past it', () => {
    const [w, h] = [97, 61];
    const src = noise(w, h, 77);
    for (const sigma of [0, 0.5, 1, 2.5]) {
      const whole = gaussianBlur(floatPlane(w, h, src.slice()), sigma).data;
      for (const [x0, y0, x1, y1] of [
        [30, 20, 50, 35],
        [0, 0, 12, 9],
        [85, 50, 97, 61],
        [0, 30, 97, 31],
        [40, 0, 41, 61],
        [0, 0, 97, 61],
        [-20, -5, 10, 70],
        [90.6, 10.2, 120, 20.7],
      ]) {
        const win = gaussianBlurWindow({ width: w, height: h, data: src }, sigma, x0, y0, x1, y1);
        const ex0 = Math.max(0, Math.floor(x0)), ey0 = Math.max(0, Math.floor(y0));
        const ex1 = Math.min(w, Math.ceil(x1)), ey1 = Math.min(h, Math.ceil(y1));
        expect([win.x0, win.y0, win.width, win.height]).toEqual([ex0, ey0, ex1 - ex0, ey1 - ey0]);
        const want: number[] = [];
        for (let y = ey0; y < ey1; y++) for (let x = ex0; x < ex1; x++) want.push(whole[y * w + x]);
        expect(Array.from(win.data)).toEqual(want);
      }
    }
    // the source is read, not blurred in place
    expect(src).toEqual(noise(w, h, 77));
  });
});
