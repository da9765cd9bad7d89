import { describe, expect, it } from 'vitest';
import { binMask, binPlane } from '../../src/image/bin.js';

describe('binPlane / binMask', () => {
  it('averages each 2 × 2 square, the partial last column and row over what they hold', () => {
    // 3 × 3: squares {0,1,3,4}, {2,5}, {6,7}, {8}
    const src = Float32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8);
    expect([...binPlane(src, 3, 3, 2)]).toEqual([2, 3.5, 6.5, 8]);
    expect([...binPlane(src, 3, 3, 1)]).toEqual([...src]);
  });

  it('sets a binned pixel where at least half of its square is set', () => {
    const m = Uint8Array.of(1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1);
    // 4 × 4 → 2 × 2: squares hold 2, 1, 1, 1 of 4 set
    expect([...binMask(m, 4, 4, 2)]).toEqual([1, 0, 0, 0]);
    // 3 × 1 by 2: {1,1} → 1, {0} → 0
    expect([...binMask(Uint8Array.of(1, 1, 0), 3, 1, 2)]).toEqual([1, 0]);
  });

  it('equals the per-pixel mean of every square, bit for bit, on odd sizes and factors (masks: mean ≥ ½)', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const [w, h, bin] of [[37, 23, 2], [40, 41, 3], [17, 9, 4], [5, 5, 1]]) {
      const src = Float32Array.from({ length: w * h }, () => rnd());
      const mask = Uint8Array.from({ length: w * h }, () => (rnd() < 0.5 ? 1 : 0));
      const bw = Math.ceil(w / bin);
      const bh = Math.ceil(h / bin);
      const mean = (p: ArrayLike<number>) => {
        const out = new Float32Array(bw * bh);
        for (let by = 0; by < bh; by++) {
          for (let bx = 0; bx < bw; bx++) {
            let sum = 0;
            let n = 0;
            for (let y = by * bin; y < Math.min(h, (by + 1) * bin); y++) for (let x = bx * bin; x < Math.min(w, (bx + 1) * bin); x++, n++) sum += p[y * w + x];
            out[by * bw + bx] = sum / n;
          }
        }
        return out;
      };
      expect(binPlane(src, w, h, bin)).toEqual(mean(src));
      expect([...binMask(mask, w, h, bin)]).toEqual([...mean(mask)].map((m) => (m >= 0.5 ? 1 : 0)));
    }
  });
});
