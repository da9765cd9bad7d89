import { describe, expect, it } from 'vitest';
import { DiscMorphology } from '../../src/image/disc-morphology.js';
import { DistanceTransform } from '../../src/image/distance-transform.js';
import { prng } from '../detect/shapes.js';

describe('DiscMorphology', () => {
  it('equals the distance transform thresholded at r² (erosion and dilation), edges included', () => {
    const rnd = prng(5);
    const dm = new DiscMorphology();
    const edt = new DistanceTransform();
    for (const [w, h, density] of [
      [33, 21, 0.85],
      [20, 45, 0.5],
      [40, 40, 0.97],
      [1, 25, 0.8],
      [25, 1, 0.2],
    ] as const) {
      const mask = Uint8Array.from({ length: w * h }, () => (rnd() < density ? 1 : 0));
      const dist = new Float32Array(w * h);
      const got = new Uint8Array(w * h);
      for (const r2 of [-1, 0, 1, 2, 2.25, 4.5, 8, 9, 20.25, 36, 50]) {
        edt.squared(mask, w, h, dist, { invert: true });
        dm.erode(mask, w, h, r2, got);
        expect(Array.from(got)).toEqual(Array.from(dist, (d) => (d > r2 ? 1 : 0)));
        edt.squared(mask, w, h, dist);
        dm.dilate(mask, w, h, r2, got);
        expect(Array.from(got)).toEqual(Array.from(dist, (d) => (d <= r2 ? 1 : 0)));
      }
    }
  });

  it('erodes a full mask to itself and dilates an empty one to nothing', () => {
    const dm = new DiscMorphology();
    const full = new Uint8Array(30).fill(1);
    const out = new Uint8Array(30);
    dm.erode(full, 6, 5, 4, out);
    expect(out.every((v) => v === 1)).toBe(true);
    dm.dilate(new Uint8Array(30), 6, 5, 4, out);
    expect(out.every((v) => v === 0)).toBe(true);
    expect(() => dm.erode(full, 6, 5, 4, full)).toThrow(/must not be the mask/);
  });
});
