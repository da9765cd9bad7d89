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
  private f = new Float64Array(0);

  private ensure(w: number, h: number): void {
    const n = w * h;
    if (this.colD.length < n) {
      this.colD = new Float64Array(n);
      this.colNear = new Int32Array(n);
    }
    if (this.v.length < w + 1) {
      this.v = new Int32Array(w + 1);
      this.z = new Float64Array(w + 2);
      this.f = new Float64Array(w + 1);
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
    const { colD, colNear, v, z, f } = this;
    const invert = opts.invert === true;
    const nearest = opts.nearest;
    const INF = Infinity;

    // Columns: exact 1-D distance by a forward and a backward scan, done row-wise for locality.
    for (let x = 0; x < w; x++) {
      const isF = (feature[x] !== 0) !== invert;
      colNear[x] = isF ? 0 : -1;
    }
    for (let y = 1; y < h; y++) {
      const row = y * w;
      const prev = row - w;
      for (let x = 0; x < w; x++) {
        const isF = (feature[row + x] !== 0) !== invert;
        colNear[row + x] = isF ? y : colNear[prev + x];
      }
    }
    for (let y = h - 2; y >= 0; y--) {
      const row = y * w;
      const next = row + w;
      for (let x = 0; x < w; x++) {
        const below = colNear[next + x];
        if (below < 0) continue;
        const cur = colNear[row + x];
        if (cur < 0 || below - y < y - cur) colNear[row + x] = below;
      }
    }
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < w; x++) {
        const ny = colNear[row + x];
        colD[row + x] = ny < 0 ? INF : (ny - y) * (ny - y);
      }
    }

    // Rows: lower envelope of parabolas centred on each column q with height colD(q).
    for (let y = 0; y < h; y++) {
      const row = y * w;
      let k = -1;
      for (let q = 0; q < w; q++) {
        const fq = colD[row + q];
        if (fq === INF) continue;
        f[q] = fq;
        if (k < 0) {
          k = 0;
          v[0] = q;
          z[0] = -INF;
          z[1] = INF;
          continue;
        }
        // z[0] = −∞ stops the pop loop at the first parabola.
        let s = (fq + q * q - (f[v[k]] + v[k] * v[k])) / (2 * (q - v[k]));
        while (s <= z[k]) {
          k--;
          s = (fq + q * q - (f[v[k]] + v[k] * v[k])) / (2 * (q - v[k]));
        }
        k++;
        v[k] = q;
        z[k] = s;
        z[k + 1] = INF;
      }
      if (k < 0) {
        for (let x = 0; x < w; x++) out[row + x] = INF;
        if (nearest) for (let x = 0; x < w; x++) nearest[row + x] = -1;
        continue;
      }
      let j = 0;
      for (let x = 0; x < w; x++) {
        while (z[j + 1] < x) j++;
        const q = v[j];
        const dx = x - q;
        out[row + x] = dx * dx + f[q];
        if (nearest) nearest[row + x] = colNear[row + q] * w + q;
      }
    }
  }
}
