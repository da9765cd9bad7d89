import { bucketFreeIndices } from './label-buckets.js';

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
 *
 * Given the nuclei's bounding boxes it works only near them: boxes grown by the expansion are
 * merged until the merged rectangles are disjoint, and each rectangle is transformed on its own.
 * Every nucleus pixel within reach of a pixel lies in that pixel's rectangle and no other
 * rectangle's does, so the labels equal the whole-plane ones; a tissue tile's rectangles cover
 * ≈ 15–20% of it.
 */
export class CellExpander {
  private up = new Int32Array(0);
  private below = new Int32Array(0);
  private lab = new Int32Array(0);
  private v = new Int32Array(0);
  private f = new Float64Array(0);
  private z = new Float64Array(0);

  private cropIn = new Int32Array(0);
  private cropOut = new Int32Array(0);
  private merged: number[] = [];

  /** The disjoint rectangles (inclusive x0 y0 x1 y1) the last boxed `expand` worked in; every cell pixel lies in one. */
  get rects(): readonly number[] {
    return this.merged;
  }

  /**
   * cellLabels ← nucleus label of the nearest nucleus pixel within `expansionPx`, 0 elsewhere.
   * `boxes` (optional): inclusive x0 y0 x1 y1 per nucleus covering every nucleus pixel.
   */
  expand(nucleusLabels: Int32Array, width: number, height: number, expansionPx: number, cellLabels: Int32Array, boxes?: Int32Array): void {
    if (!boxes) {
      this.expandPlane(nucleusLabels, width, height, expansionPx, cellLabels);
      return;
    }
    const w = width;
    const h = height;
    cellLabels.fill(0, 0, w * h);
    const rects = mergeRects(boxes, Math.ceil(expansionPx), w, h);
    this.merged = rects;
    for (let k = 0; k < rects.length; k += 4) {
      const x0 = rects[k];
      const y0 = rects[k + 1];
      const cw = rects[k + 2] - x0 + 1;
      const ch = rects[k + 3] - y0 + 1;
      if (this.cropIn.length < cw * ch) {
        this.cropIn = new Int32Array(cw * ch);
        this.cropOut = new Int32Array(cw * ch);
      }
      const { cropIn, cropOut } = this;
      for (let y = 0; y < ch; y++) cropIn.set(nucleusLabels.subarray((y0 + y) * w + x0, (y0 + y) * w + x0 + cw), y * cw);
      this.expandPlane(cropIn, cw, ch, expansionPx, cropOut);
      for (let y = 0; y < ch; y++) cellLabels.set(cropOut.subarray(y * cw, y * cw + cw), (y0 + y) * w + x0);
    }
  }

  private expandPlane(nucleusLabels: Int32Array, width: number, height: number, expansionPx: number, cellLabels: Int32Array): void {
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
    for (let y = 1, i = w; y < h; y++) for (let x = 0; x < w; x++, i++) up[i] = L[i] !== 0 ? y : up[i - w];
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

/**
 * Boxes grown by `margin` and clipped to the plane, merged until no two overlap; returns the
 * merged rectangles as inclusive x0 y0 x1 y1 quadruples. Sweep over x0-sorted rectangles with
 * union-find, repeated while merging makes new overlaps.
 */
export function mergeRects(boxes: Int32Array, margin: number, w: number, h: number): number[] {
  let rects: number[] = [];
  for (let k = 0; k + 3 < boxes.length; k += 4) {
    if (boxes[k + 2] < boxes[k] || boxes[k + 3] < boxes[k + 1]) continue; // empty
    rects.push(Math.max(0, boxes[k] - margin), Math.max(0, boxes[k + 1] - margin), Math.min(w - 1, boxes[k + 2] + margin), Math.min(h - 1, boxes[k + 3] + margin));
  }
  for (;;) {
    const count = rects.length / 4;
    const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => rects[4 * a] - rects[4 * b]);
    const parent = Int32Array.from({ length: count }, (_, i) => i);
    const find = (a: number): number => {
      while (parent[a] !== a) a = parent[a] = parent[parent[a]];
      return a;
    };
    let merged = false;
    for (let i = 0; i < count; i++) {
      const a = order[i];
      for (let j = i + 1; j < count; j++) {
        const b = order[j];
        if (rects[4 * b] > rects[4 * a + 2]) break;
        if (rects[4 * b + 1] > rects[4 * a + 3] || rects[4 * a + 1] > rects[4 * b + 3]) continue;
        const ra = find(a);
        const rb = find(b);
        if (ra !== rb) {
          parent[ra] = rb;
          merged = true;
        }
      }
    }
    if (!merged) return rects;
    const byRoot = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const r = find(i);
      const q = byRoot.get(r);
      if (!q) byRoot.set(r, rects.slice(4 * i, 4 * i + 4));
      else {
        q[0] = Math.min(q[0], rects[4 * i]);
        q[1] = Math.min(q[1], rects[4 * i + 1]);
        q[2] = Math.max(q[2], rects[4 * i + 2]);
        q[3] = Math.max(q[3], rects[4 * i + 3]);
      }
    }
    rects = [...byRoot.values()].flat();
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
  /** when given: the plane width and rectangles (inclusive x0 y0 x1 y1) holding every cell pixel, e.g. CellExpander.rects */
  within?: { width: number; rects: readonly number[] },
  /** AnalysisParams.ringUpperFraction: the cytoplasm DAB is the mean of this top share of the ring's pixels (1: all of them) */
  ringUpperFraction = 1,
): CellMeasurements {
  const nucleusArea = new Int32Array(count + 1);
  const cellArea = new Int32Array(count + 1);
  const dabN = new Float64Array(count + 1);
  const dabC = new Float64Array(count + 1);
  const hemN = new Float64Array(count + 1);
  // Rectangles are disjoint and each cell lies in one, so its pixels are summed in raster order
  // either way (identical sums).
  const rects = within ? within.rects : [0, 0, n - 1, 0];
  const w = within ? within.width : n;
  for (let k = 0; k < rects.length; k += 4) {
    for (let y = rects[k + 1]; y <= rects[k + 3]; y++) {
      for (let i = y * w + rects[k], end = y * w + rects[k + 2]; i <= end; i++) {
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
  if (ringUpperFraction < 1) upperRingMeans(nucleusLabels, cellLabels, dab, count, rects, w, ringUpperFraction, dabCytoplasm);
  return { count, nucleusArea, cellArea, dabNucleus, dabCytoplasm, dabCell, hemNucleus };
}

/**
 * The mean of the top `fraction` of each cell's ring (cell minus nucleus) DAB values, into `out`
 * where the ring has pixels. A thin or partial stained rim (a membrane, or the scant cytoplasm of a
 * lymphocyte in muscle) then reads at its own colour instead of diluted by the unstained pixels of
 * the ring around it. Ring values are bucketed by label (counting sort), then each bucket sorted.
 */
function upperRingMeans(
  nucleusLabels: Int32Array,
  cellLabels: Int32Array,
  dab: Float32Array,
  count: number,
  rects: readonly number[],
  w: number,
  fraction: number,
  out: Float64Array,
): void {
  const { start, values } = bucketFree(cellLabels, nucleusLabels, dab, count, rects, w);
  for (let l = 1; l <= count; l++) {
    const ring = start[l + 1] - start[l];
    if (ring <= 0) continue;
    const v = values.subarray(start[l], start[l + 1]).sort();
    const top = Math.max(1, Math.ceil(fraction * ring));
    let sum = 0;
    for (let j = ring - top; j < ring; j++) sum += v[j];
    out[l] = sum / top;
  }
}

/**
 * DAB of the pixels `labels` gives to a cell and `blocked` gives to none, bucketed by label in
 * raster order: label l's values are values[start[l] .. start[l + 1]).
 */
function bucketFree(labels: Int32Array, blocked: Int32Array, dab: Float32Array, count: number, rects: readonly number[], w: number): { start: Int32Array; values: Float32Array } {
  const { start, index } = bucketFreeIndices(labels, blocked, count, rects, w);
  const values = new Float32Array(index.length);
  for (let j = 0; j < index.length; j++) values[j] = dab[index[j]];
  return { start, values };
}
