/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): an exact 1-D
 * pass down each column, then the lower envelope of parabolas along each row. Linear time.
 * Optionally records, per pixel, the index of its nearest feature pixel (a Voronoi / nearest
 * feature transform) — used to grow nuclei into cells without overlap.
 *
 * Pixels outside the image are never features.
 */
export class DistanceTransform {
  private colD = new Float64Array(0);
  private colNear = new Int32Array(0);
  private v = new Int32Array(0);
  private z = new Float64Array(0);

  private ensure(w: number, h: number): void {
    const n = w * h;
    if (this.colD.length < n) {
      this.colD = new Float64Array(n);
      this.colNear = new Int32Array(n);
    }
    if (this.v.length < w + 1) {
      this.v = new Int32Array(w + 1);
      this.z = new Float64Array(w + 2);
    }
  }

  /**
   * out[i] = squared distance from pixel i to the nearest pixel where `isFeature(i)` holds
   * (Infinity when there is none). `nearest`, when given, receives that pixel's index (−1 if none).
   * `feature` is a typed array; a pixel is a feature when its value is non-zero (or zero, with
   * `invert`), so a binary mask serves both for "distance to background" and "distance to object".
   */
  squared(
    feature: Uint8Array | Int32Array,
    width: number,
    height: number,
    out: Float32Array,
    opts: { invert?: boolean; nearest?: Int32Array } = {},
  ): void {
    const w = width;
    const h = height;
    this.ensure(w, h);
    const { colD, colNear, v, z } = this;
    const invert = opts.invert === true;
    const nearest = opts.nearest;
    const INF = Infinity;

    // Columns: exact 1-D distance by a forward and a backward scan, done row-wise for locality.
    // Forward: the row of the last feature at or above (−1: none), the invert test hoisted out of
    // the loops; backward: the nearer of that and the first feature below, its squared distance
    // written in the same pass.
    if (invert) {
      for (let x = 0; x < w; x++) colNear[x] = feature[x] === 0 ? 0 : -1;
      for (let y = 1, row = w; y < h; y++, row += w) for (let x = 0; x < w; x++) colNear[row + x] = feature[row + x] === 0 ? y : colNear[row - w + x];
    } else {
      for (let x = 0; x < w; x++) colNear[x] = feature[x] !== 0 ? 0 : -1;
      for (let y = 1, row = w; y < h; y++, row += w) for (let x = 0; x < w; x++) colNear[row + x] = feature[row + x] !== 0 ? y : colNear[row - w + x];
    }
    for (let x = 0, row = (h - 1) * w; x < w; x++) {
      const ny = colNear[row + x];
      colD[row + x] = ny < 0 ? INF : (ny - h + 1) * (ny - h + 1);
    }
    for (let y = h - 2, row = y * w; y >= 0; y--, row -= w) {
      for (let x = 0; x < w; x++) {
        const below = colNear[row + w + x];
        let cur = colNear[row + x];
        if (below >= 0 && (cur < 0 || below - y < y - cur)) colNear[row + x] = cur = below;
        colD[row + x] = cur < 0 ? INF : (cur - y) * (cur - y);
      }
    }

    // Rows: lower envelope of parabolas centred on each column q with height colD(q).
    for (let y = 0; y < h; y++) {
      const row = y * w;
      let k = -1;
      for (let q = 0; q < w; q++) {
        const fq = colD[row + q];
        if (fq === INF) continue;
        if (k < 0) {
          k = 0;
          v[0] = q;
          z[0] = -INF;
          z[1] = INF;
          continue;
        }
        // z[0] = −∞ stops the pop loop at the first parabola.
        let vk = v[k];
        let s = (fq + q * q - (colD[row + vk] + vk * vk)) / (2 * (q - vk));
        while (s <= z[k]) {
          vk = v[--k];
          s = (fq + q * q - (colD[row + vk] + vk * vk)) / (2 * (q - vk));
        }
        k++;
        v[k] = q;
        z[k] = s;
        z[k + 1] = INF;
      }
      if (k < 0) {
        out.fill(INF, row, row + w);
        if (nearest) nearest.fill(-1, row, row + w);
        continue;
      }
      let j = 0;
      if (nearest) {
        for (let x = 0; x < w; x++) {
          while (z[j + 1] < x) j++;
          const q = v[j];
          const dx = x - q;
          out[row + x] = dx * dx + colD[row + q];
          nearest[row + x] = colNear[row + q] * w + q;
        }
      } else {
        for (let x = 0; x < w; x++) {
          while (z[j + 1] < x) j++;
          const q = v[j];
          const dx = x - q;
          out[row + x] = dx * dx + colD[row + q];
        }
      }
    }
  }
}
