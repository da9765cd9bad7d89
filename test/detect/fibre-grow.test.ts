import { describe, expect, it } from 'vitest';
import { growLabels } from '../../src/detect/fibre-grow.js';
import { DistanceTransform } from '../../src/image/distance-transform.js';

/** Random labelled blobs with gaps of one and two pixels between them, and a tissue mask with holes. */
function scene(w: number, h: number, seed: number): { labels: Int32Array; tissue: Uint8Array } {
  let s = seed;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const labels = new Int32Array(w * h);
  const tissue = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    tissue[i] = rnd() < 0.93 ? 1 : 0;
    const x = i % w, y = (i - x) / w;
    // cells of a coarse grid, each its own label, with random gaps at the cell sides
    const cx = Math.floor(x / 7), cy = Math.floor(y / 6);
    const inX = x % 7, inY = y % 6;
    if (inX < 5 + (rnd() < 0.5 ? 1 : 0) && inY < 4 + (rnd() < 0.5 ? 1 : 0) && rnd() < 0.97) labels[i] = 1 + cy * 1000 + cx;
  }
  return { labels, tissue };
}

describe('growLabels', () => {
  it('by one pixel (g2 in [1, 2)) gives the nearest-feature transform labels bit for bit, with and without a tissue mask', () => {
    for (const [w, h, seed] of [[61, 47, 1], [128, 96, 2], [7, 90, 3], [90, 5, 4]] as const) {
      const { labels, tissue } = scene(w, h, seed);
      for (const g2 of [1, 1.5, 1.99]) {
        for (const mask of [undefined, tissue]) {
          const fast = labels.slice();
          const slow = labels.slice();
          growLabels(fast, w, h, g2, mask, new DistanceTransform(), new Float32Array(w * h));
          growLabels(slow, w, h, g2, mask, new DistanceTransform(), new Float32Array(w * h), { transform: true });
          expect(fast).toEqual(slow);
          // something grew
          expect(fast.filter((v) => v !== 0).length).toBeGreaterThan(labels.filter((v) => v !== 0).length);
        }
      }
      // under one pixel nothing grows; two and more reach the diagonals (the transform's own path)
      const none = labels.slice();
      growLabels(none, w, h, 0.9, undefined, new DistanceTransform(), new Float32Array(w * h));
      expect(none).toEqual(labels);
    }
  });
});
