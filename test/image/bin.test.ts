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
});
