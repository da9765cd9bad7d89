/** Per-cell measurements, indexed by nucleus label (index 0 unused). Means are OD. */
export interface CellMeasurements {
  count: number;
  nucleusArea: Int32Array;
  cellArea: Int32Array;
  /** mean DAB over the nucleus, the cytoplasm (cell − nucleus; nucleus value when empty), the cell */
  dabNucleus: Float64Array;
  dabCytoplasm: Float64Array;
  dabCell: Float64Array;
  /** mean hematoxylin over the nucleus */
  hemNucleus: Float64Array;
}

/**
 * Cells = nuclei grown by a fixed distance without overlap (QuPath cell expansion, SCIENCE.md:
 * 5 µm): every pixel within `expansionPx` of a nucleus goes to the nearest nucleus pixel's cell,
 * i.e. a Voronoi partition on nucleus pixels clipped at the expansion distance.
 *
 * The exact nearest-feature Euclidean distance transform (Felzenszwalb & Huttenlocher, as in
 * DistanceTransform) specialised for this: column distances beyond the expansion are dropped
 * before the row pass (a parabola above the clip everywhere can neither win nor change a tie
 * below it, so labels are identical to the unclipped transform), and the backward column sweep,
 * the row envelope and the label output run in one pass per row — no distance or nearest-index
 * planes.
 */
export class CellExpander {
  private up = new Int32Array(0);
  private below = new Int32Array(0);
  private lab = new Int32Array(0);
  private v = new Int32Array(0);
  private f = new Float64Array(0);
  private z = new Float64Array(0);

  expand(nucleusLabels: Int32Array, width: number, height: number, expansionPx: number, cellLabels: Int32Array): void {
    const w = width;
    const h = height;
    const n = w * h;
    if (this.up.length < n) this.up = new Int32Array(n);
    if (this.below.length < w) {
      this.below = new Int32Array(w);
      this.lab = new Int32Array(w);
      this.v = new Int32Array(w + 1);
      this.f = new Float64Array(w + 1);
      this.z = new Float64Array(w + 2);
    }
    const { up, below, lab, v, f, z } = this;
    const L = nucleusLabels;
    const max2 = expansionPx * expansionPx;
    // up[i]: row of the nearest nucleus pixel at or above i in its column, −1 if none.
    for (let x = 0; x < w; x++) up[x] = L[x] !== 0 ? 0 : -1;
    for (let i = w; i < n; i++) up[i] = L[i] !== 0 ? ((i / w) | 0) : up[i - w];
    below.fill(-1, 0, w);
    for (let y = h - 1; y >= 0; y--) {
      const row = y * w;
      // Column pass (nearest in the column; ties go up, as in DistanceTransform), then the
      // lower envelope of the parabolas that stay within the clip.
      let k = -1;
      for (let q = 0; q < w; q++) {
        if (L[row + q] !== 0) below[q] = y;
        const u = up[row + q];
        const d = below[q];
        let ny: number;
        if (u < 0) {
          if (d < 0) continue;
          ny = d;
        } else ny = d >= 0 && d - y < y - u ? d : u;
        const fq = (ny - y) * (ny - y);
        if (fq > max2) continue;
        lab[q] = L[ny * w + q];
        f[q] = fq;
        if (k < 0) {
          k = 0;
          v[0] = q;
          z[0] = -Infinity;
          z[1] = Infinity;
          continue;
        }
        let s = (fq + q * q - (f[v[k]] + v[k] * v[k])) / (2 * (q - v[k]));
        while (s <= z[k]) {
          k--;
          s = (fq + q * q - (f[v[k]] + v[k] * v[k])) / (2 * (q - v[k]));
        }
        k++;
        v[k] = q;
        z[k] = s;
        z[k + 1] = Infinity;
      }
      if (k < 0) {
        cellLabels.fill(0, row, row + w);
        continue;
      }
      let j = 0;
      for (let x = 0; x < w; x++) {
        while (z[j + 1] < x) j++;
        const q = v[j];
        const dx = x - q;
        cellLabels[row + x] = dx * dx + f[q] <= max2 ? lab[q] : 0;
      }
    }
  }
}

/** One pass over the pixels: compartment sums per label, then means. */
export function measureCells(
  nucleusLabels: Int32Array,
  cellLabels: Int32Array,
  dab: Float32Array,
  hematoxylin: Float32Array,
  n: number,
  count: number,
): CellMeasurements {
  const nucleusArea = new Int32Array(count + 1);
  const cellArea = new Int32Array(count + 1);
  const dabN = new Float64Array(count + 1);
  const dabC = new Float64Array(count + 1);
  const hemN = new Float64Array(count + 1);
  for (let i = 0; i < n; i++) {
    const c = cellLabels[i];
    if (c === 0) continue;
    const v = dab[i];
    cellArea[c]++;
    dabC[c] += v;
    if (nucleusLabels[i] !== 0) {
      nucleusArea[c]++;
      dabN[c] += v;
      hemN[c] += hematoxylin[i];
    }
  }
  const dabNucleus = new Float64Array(count + 1);
  const dabCytoplasm = new Float64Array(count + 1);
  const dabCell = new Float64Array(count + 1);
  const hemNucleus = new Float64Array(count + 1);
  for (let l = 1; l <= count; l++) {
    const an = nucleusArea[l];
    const ac = cellArea[l];
    const ring = ac - an;
    dabNucleus[l] = an ? dabN[l] / an : 0;
    hemNucleus[l] = an ? hemN[l] / an : 0;
    dabCell[l] = ac ? dabC[l] / ac : 0;
    dabCytoplasm[l] = ring > 0 ? (dabC[l] - dabN[l]) / ring : dabNucleus[l];
  }
  return { count, nucleusArea, cellArea, dabNucleus, dabCytoplasm, dabCell, hemNucleus };
}
