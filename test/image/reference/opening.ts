import type { FloatPlane } from '../../../src/image/raster.js';
import { MinMaxFilter } from '../../../src/image/min-max-filter.js';

/**
 * Morphological opening with a (2r+1)² square: erosion then dilation, each as a separable
 * running min / max (O(1) per pixel). It keeps structures wider than the square (stroma
 * counterstain, its texture) and removes smaller ones (nuclei), so the opening is the
 * background under the nuclei (QuPath "background radius", SCIENCE.md: 8 µm).
 */
export class BackgroundEstimator {
  private readonly filter = new MinMaxFilter();

  opening(src: Float32Array, out: Float32Array, width: number, height: number, r: number): void {
    this.filter.opening(src, out, width, height, r);
  }

  /** plane ← plane − opening(plane); `scratch` holds the opening. Non-negative by construction. */
  subtractInPlace(plane: FloatPlane, radiusPx: number, scratch: Float32Array): void {
    const { width: w, height: h, data } = plane;
    const r = Math.round(radiusPx);
    if (r <= 0) return;
    this.opening(data, scratch, w, h, r);
    const n = w * h;
    for (let i = 0; i < n; i++) data[i] -= scratch[i];
  }
}
