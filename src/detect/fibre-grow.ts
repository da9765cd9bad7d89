import type { DistanceTransform } from '../image/distance-transform.js';

/**
 * Gives each unlabelled pixel within √g2 px of a label (and in the tissue, where a mask is given)
 * the label of its nearest labelled pixel, as the Euclidean nearest-feature transform names it.
 * Labels are positive; `dist` is scratch of the plane's size (the transform's distances).
 *
 * The fibres grow by growUm, one pixel on the 1 µm raster (g2 = 1): only the four side neighbours
 * lie that near, and the transform, which cost a muscle tile two full passes and two planes, is
 * then a look at them in the order the transform breaks ties in — the left one, then the one above,
 * the one below, the right one (its column pass keeps the upper of two equal rows; its row pass
 * the leftmost of equal parabolas at a pixel). test/detect/fibre-grow.test.ts compares the two.
 */
export function growLabels(labels: Int32Array, w: number, h: number, g2: number, tissue: Uint8Array | undefined, edt: DistanceTransform, dist: Float32Array, opts: { transform?: boolean } = {}): void {
  const n = w * h;
  if (g2 < 1) return;
  if (g2 < 2 && opts.transform !== true) {
    for (let y = 0, i = 0; y < h; y++) {
      for (let x = 0; x < w; x++, i++) {
        if (labels[i] !== 0 || (tissue && tissue[i] === 0)) continue;
        // a neighbour grown in this pass is negative: only the labels given count
        const l = x > 0 && labels[i - 1] > 0 ? labels[i - 1] : y > 0 && labels[i - w] > 0 ? labels[i - w] : y < h - 1 && labels[i + w] > 0 ? labels[i + w] : x < w - 1 && labels[i + 1] > 0 ? labels[i + 1] : 0;
        if (l !== 0) labels[i] = -l;
      }
    }
  } else {
    const near = new Int32Array(n);
    edt.squared(labels, w, h, dist, { nearest: near });
    for (let i = 0; i < n; i++) {
      if (labels[i] === 0 && dist[i] <= g2 && near[i] >= 0 && (!tissue || tissue[i] !== 0)) labels[i] = -labels[near[i]];
    }
  }
  for (let i = 0; i < n; i++) if (labels[i] < 0) labels[i] = -labels[i];
}
