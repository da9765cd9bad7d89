import { describe, expect, it } from 'vitest';
import { chunk, chunkBySizes } from '../../src/pipeline/batches.js';
import { batchSizeFor, guidedBatchSizes } from '../../src/pipeline/plan-slide.js';

describe('tile batches', () => {
  it('guided sizes cover every tile, start at the fixed size and shrink to single tiles', () => {
    expect(guidedBatchSizes(25, 2)).toEqual([4, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1]);
    for (const [n, c] of [[100, 2], [7, 4], [1, 1], [480, 2], [25, 8]]) {
      const sizes = guidedBatchSizes(n, c);
      expect(sizes.reduce((a, b) => a + b, 0), `${n} tiles`).toBe(n);
      expect(sizes[0]).toBe(batchSizeFor(n, c));
      for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]);
      expect(sizes[sizes.length - 1]).toBe(1);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(8);
    }
    expect(guidedBatchSizes(0, 2)).toEqual([]);
  });

  it('cuts items by the sizes given, in order, and names sizes that do not fit', () => {
    const items = [1, 2, 3, 4, 5, 6];
    expect(chunkBySizes(items, [3, 2, 1])).toEqual([[1, 2, 3], [4, 5], [6]]);
    expect(chunk(items, 4)).toEqual([[1, 2, 3, 4], [5, 6]]);
    expect(() => chunkBySizes(items, [3, 2])).toThrow(/add up to 5, but there are 6 items/);
    expect(() => chunkBySizes(items, [3, 0, 3])).toThrow(/whole numbers ≥ 1/);
  });
});
