import { describe, expect, it } from 'vitest';
import { blurRows, columnSum, gaussianKernel } from '../../src/synthetic/optics.js';
import { Rng } from '../../src/synthetic/rng.js';

describe('render optics: the written-out blur passes', () => {
  const W = 41;
  const H = 23;
  const rng = new Rng(5);
  const src = Float32Array.from({ length: W * H }, () => 200 * rng.next());
  for (const [sigma, radius] of [[0.6, 2], [1, 3], [2.2, 7], [5, 15], [0.3, 0]] as const) {
    const k = gaussianKernel(sigma, radius);
    it(`rows: the same bits as the tap loop (σ ${sigma}, ${k.length} taps)`, () => {
      const fast = new Float32Array(W * H);
      const loop = new Float32Array(W * H);
      blurRows(src, fast, W, H, k);
      // `only` over every row and column takes the tap loop
      blurRows(src, loop, W, H, k, { rows: new Uint8Array(H).fill(1), x0: 0, x1: W - 1 });
      expect(Buffer.from(fast.buffer).equals(Buffer.from(loop.buffer))).toBe(true);
      expect(fast[5 * W + 20]).not.toBe(0);
    });
    it(`columns: the same bits as tap-by-tap accumulation into a zeroed row (σ ${sigma}, ${k.length} taps)`, () => {
      const w = W - 2 * radius;
      const off = 3 * W + radius;
      const want = new Float64Array(w);
      for (let i = 0; i < k.length; i++) for (let x = 0; x < w; x++) want[x] += k[i] * src[off + i * W + x];
      const got = new Float64Array(w);
      columnSum(k.length)(src, got, k, W, off, w);
      expect(Array.from(got)).toEqual(Array.from(want));
    });
  }
});
