import { describe, expect, it } from 'vitest';
import { kthSmallest, medianInPlace } from '../../src/image/kth-smallest.js';
import { Rng } from '../../src/synthetic/rng.js';

describe('kthSmallest', () => {
  it('gives the sorted array\'s k-th value for random, constant, sorted and reversed data at every rank', () => {
    const rng = new Rng(7);
    const cases: Float32Array[] = [
      Float32Array.from({ length: 257 }, () => rng.uniform(-1, 1)),
      Float32Array.from({ length: 100 }, () => Math.round(rng.uniform(0, 4))),
      new Float32Array(64).fill(0.25),
      Float32Array.from({ length: 50 }, (_, i) => i),
      Float32Array.from({ length: 50 }, (_, i) => 50 - i),
      Float32Array.of(3),
    ];
    for (const c of cases) {
      const sorted = c.slice().sort();
      for (let k = 0; k < c.length; k++) expect(kthSmallest(c.slice(), k)).toBe(sorted[k]);
    }
  });

  it('refuses a rank outside the array', () => {
    expect(() => kthSmallest(new Float32Array(3), 3)).toThrow(/rank 3 outside 0..2/);
    expect(() => kthSmallest(new Float32Array(0), 0)).toThrow(RangeError);
  });
});

describe('medianInPlace', () => {
  it('gives the median a sort gives, odd and even lengths, ties included; NaN when empty', () => {
    let s = 3;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let n = 1; n <= 40; n++) {
      const a = Float32Array.from({ length: n }, () => Math.round(rnd() * 8) / 4);
      const sorted = Float32Array.from(a).sort();
      const want = n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      expect(medianInPlace(a)).toBe(want);
    }
    expect(medianInPlace(new Float32Array(0))).toBeNaN();
  });
});
