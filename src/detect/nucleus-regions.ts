import { DistanceTransform } from '../image/distance-transform.js';
import { Watershed, type WatershedOptions } from '../image/watershed.js';

/** One detected nucleus; coordinates in pixels of the plane (pixel centres at integers). */
export interface Nucleus {
  /** label value in `labels` */
  label: number;
  cx: number;
  cy: number;
  areaPx: number;
  /** mean hematoxylin OD of the input plane over the nucleus */
  meanH: number;
}

/**
 * From the nucleus mask to labelled nuclei: hole filling, distance-transform watershed split,
 * area filter, measurements. Identical to running fillHoles, DistanceTransform and Watershed
 * over the whole plane, but done per 8-connected component inside its bounding box + 1 px,
 * because the mask covers ≈3% of a tissue tile:
 * - a hole (4-connected background not reaching the border) is enclosed by one 8-connected
 *   component, so flooding the box from its rim over "not this component" finds it; components
 *   inside the hole are merged, as the global fill would have merged them;
 * - the nearest non-component pixel to a component pixel is 8-adjacent to the component, hence
 *   background and inside the box, so the boxed distance transform is exact;
 * - watershed basins never cross components (8-neighbours of a component are background), and
 *   the box keeps the raster order of ties.
 * Labels come out 1..count in raster order of each basin's first pixel, as before.
 */
export class NucleusRegions {
  private readonly edt = new DistanceTransform();
  private readonly watershed = new Watershed();
  private stack = new Int32Array(0);
  // per component (index = provisional component label)
  private bx0 = new Int32Array(0);
  private by0 = new Int32Array(0);
  private bx1 = new Int32Array(0);
  private by1 = new Int32Array(0);
  private alive = new Uint8Array(0);
  // per box (local index)
  private seen = new Uint8Array(0);
  private queue = new Int32Array(0);
  private boxFeature = new Uint8Array(0);
  private boxMask = new Uint8Array(0);
  private boxD2 = new Float32Array(0);
  private boxLabels = new Int32Array(0);
  // per basin (index = provisional basin id, 1-based)
  private bArea = new Int32Array(0);
  private bFirst = new Int32Array(0);
  private bSx = new Float64Array(0);
  private bSy = new Float64Array(0);
  private bSh = new Float64Array(0);
  private bBox = new Int32Array(0);
  /** per nucleus (label order), inclusive bounding box: x0, y0, x1, y1 */
  private nucleusBoxes = new Int32Array(0);
  private order = new Float64Array(0);
  private remap = new Int32Array(0);

  /** Inclusive bounding boxes (x0, y0, x1, y1) of the nuclei of the last run, in label order; overwritten by the next run. */
  get boxes(): Int32Array {
    return this.nucleusBoxes;
  }

  /**
   * `mask` (0/1, modified: holes filled) has its foreground pixels listed in raster order in
   * `pixels[0..count)`. `labels` (width·height) receives nucleus labels, 0 elsewhere. `split`
   * null keeps each component whole.
   */
  run(
    mask: Uint8Array,
    pixels: Int32Array,
    count: number,
    hem: Float32Array,
    w: number,
    h: number,
    labels: Int32Array,
    split: WatershedOptions | null,
    minArea: number,
    maxArea: number,
  ): Nucleus[] {
    labels.fill(0, 0, w * h);
    const comps = this.components(mask, pixels, count, w, h, labels);
    let basins = 0;
    for (let c = 1; c <= comps; c++) {
      if (this.alive[c] === 0) continue;
      const x0 = this.bx0[c] > 0 ? this.bx0[c] - 1 : 0;
      const y0 = this.by0[c] > 0 ? this.by0[c] - 1 : 0;
      const x1 = this.bx1[c] < w - 1 ? this.bx1[c] + 1 : w - 1;
      const y1 = this.by1[c] < h - 1 ? this.by1[c] + 1 : h - 1;
      const bw = x1 - x0 + 1;
      const bh = y1 - y0 + 1;
      this.ensureBox(bw * bh);
      this.fillHolesInBox(c, mask, labels, w, x0, y0, bw, bh);
      const local = this.splitInBox(c, mask, labels, w, x0, y0, bw, bh, split);
      basins = this.collect(c, labels, hem, w, x0, y0, bw, bh, basins, local);
    }
    return this.finish(labels, w, h, comps, basins, minArea, maxArea);
  }

  /** 8-connected components by flood from each unlabelled listed pixel; labels in raster order of first pixel. */
  private components(mask: Uint8Array, pixels: Int32Array, count: number, w: number, h: number, labels: Int32Array): number {
    if (this.stack.length < count) this.stack = new Int32Array(count);
    const stack = this.stack;
    let comps = 0;
    for (let k = 0; k < count; k++) {
      const seed = pixels[k];
      if (labels[seed] !== 0) continue;
      const c = ++comps;
      if (c >= this.alive.length) this.growComponents(c + 1);
      let x0 = w;
      let y0 = h;
      let x1 = -1;
      let y1 = -1;
      let top = 0;
      stack[top++] = seed;
      labels[seed] = c;
      while (top > 0) {
        const p = stack[--top];
        const y = (p / w) | 0;
        const x = p - y * w;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
        const ya = y > 0 ? y - 1 : 0;
        const yb = y < h - 1 ? y + 1 : h - 1;
        const xa = x > 0 ? x - 1 : 0;
        const xb = x < w - 1 ? x + 1 : w - 1;
        for (let yy = ya; yy <= yb; yy++) {
          for (let xx = xa, q = yy * w + xa; xx <= xb; xx++, q++) {
            if (mask[q] !== 0 && labels[q] === 0) {
              labels[q] = c;
              stack[top++] = q;
            }
          }
        }
      }
      this.bx0[c] = x0;
      this.by0[c] = y0;
      this.bx1[c] = x1;
      this.by1[c] = y1;
      this.alive[c] = 1;
    }
    return comps;
  }

  /**
   * Background of the box not 4-connected to its rim through "not component c" is a hole of c:
   * filled and given to c. A component found inside a hole has a larger label (c's first pixel
   * comes first in raster order) and is merged into c.
   */
  private fillHolesInBox(c: number, mask: Uint8Array, labels: Int32Array, w: number, x0: number, y0: number, bw: number, bh: number): void {
    if (bw < 3 || bh < 3) return;
    const { seen, queue } = this;
    const m = bw * bh;
    seen.fill(0, 0, m);
    let tail = 0;
    for (let j = 0; j < m; j++) {
      const ly = (j / bw) | 0;
      const lx = j - ly * bw;
      if (ly !== 0 && ly !== bh - 1 && lx !== 0 && lx !== bw - 1) {
        j += bw - 3; // skip to the right rim of this row
        continue;
      }
      if (labels[(y0 + ly) * w + x0 + lx] !== c) {
        seen[j] = 1;
        queue[tail++] = j;
      }
    }
    let head = 0;
    while (head < tail) {
      const j = queue[head++];
      const ly = (j / bw) | 0;
      const lx = j - ly * bw;
      const g = (y0 + ly) * w + x0 + lx;
      if (lx > 0 && seen[j - 1] === 0 && labels[g - 1] !== c) {
        seen[j - 1] = 1;
        queue[tail++] = j - 1;
      }
      if (lx < bw - 1 && seen[j + 1] === 0 && labels[g + 1] !== c) {
        seen[j + 1] = 1;
        queue[tail++] = j + 1;
      }
      if (ly > 0 && seen[j - bw] === 0 && labels[g - w] !== c) {
        seen[j - bw] = 1;
        queue[tail++] = j - bw;
      }
      if (ly < bh - 1 && seen[j + bw] === 0 && labels[g + w] !== c) {
        seen[j + bw] = 1;
        queue[tail++] = j + bw;
      }
    }
    if (tail === m) return;
    for (let ly = 0; ly < bh; ly++) {
      const row = (y0 + ly) * w + x0;
      for (let lx = 0, j = ly * bw; lx < bw; lx++, j++) {
        if (seen[j] !== 0) continue;
        const g = row + lx;
        const l = labels[g];
        if (l === c) continue;
        if (l > 0) this.alive[l] = 0;
        mask[g] = 1;
        labels[g] = c;
      }
    }
  }

  /** Watershed of component c on its distance-to-background map; box-local labels, returns their count. */
  private splitInBox(c: number, mask: Uint8Array, labels: Int32Array, w: number, x0: number, y0: number, bw: number, bh: number, split: WatershedOptions | null): number {
    const { boxFeature, boxMask, boxD2, boxLabels } = this;
    const m = bw * bh;
    for (let ly = 0; ly < bh; ly++) {
      const row = (y0 + ly) * w + x0;
      for (let lx = 0, j = ly * bw; lx < bw; lx++, j++) {
        const g = row + lx;
        const own = labels[g] === c ? 1 : 0;
        boxMask[j] = own;
        boxFeature[j] = mask[g] === 0 ? 1 : 0;
        boxLabels[j] = own;
      }
    }
    if (split === null) return 1;
    this.edt.squared(boxFeature, bw, bh, boxD2);
    for (let j = 0; j < m; j++) boxD2[j] = boxMask[j] !== 0 ? Math.sqrt(boxD2[j]) : 0;
    return this.watershed.split(boxMask, boxD2, bw, bh, boxLabels, split);
  }

  /** Box-local basins → provisional ids base+1..base+local (stored negated in labels) and their sums. */
  private collect(c: number, labels: Int32Array, hem: Float32Array, w: number, x0: number, y0: number, bw: number, bh: number, base: number, local: number): number {
    this.growBasins(base + local + 1);
    const { boxLabels, bArea, bFirst, bSx, bSy, bSh, bBox } = this;
    for (let b = base + 1; b <= base + local; b++) {
      bArea[b] = 0;
      this.bBox[4 * b] = 0x7fffffff;
      this.bBox[4 * b + 1] = 0x7fffffff;
      this.bBox[4 * b + 2] = -1;
      this.bBox[4 * b + 3] = -1;
      bFirst[b] = -1;
      bSx[b] = 0;
      bSy[b] = 0;
      bSh[b] = 0;
    }
    for (let ly = 0; ly < bh; ly++) {
      const y = y0 + ly;
      const row = y * w;
      for (let lx = 0, j = ly * bw; lx < bw; lx++, j++) {
        const l = boxLabels[j];
        if (l === 0) continue;
        const x = x0 + lx;
        const g = row + x;
        if (labels[g] !== c) continue;
        const b = base + l;
        if (bFirst[b] < 0) bFirst[b] = g;
        const q = 4 * b;
        if (x < bBox[q]) bBox[q] = x;
        if (y < bBox[q + 1]) bBox[q + 1] = y;
        if (x > bBox[q + 2]) bBox[q + 2] = x;
        if (y > bBox[q + 3]) bBox[q + 3] = y;
        bArea[b]++;
        bSx[b] += x;
        bSy[b] += y;
        bSh[b] += hem[g];
        labels[g] = -b;
      }
    }
    return base + local;
  }

  /** Area filter and final numbering in raster order of each basin's first pixel. */
  private finish(labels: Int32Array, w: number, h: number, comps: number, basins: number, minArea: number, maxArea: number): Nucleus[] {
    if (this.order.length < basins) this.order = new Float64Array(basins);
    if (this.remap.length < basins + 1) this.remap = new Int32Array(basins + 1);
    const { order, remap, bArea, bFirst, bSx, bSy, bSh } = this;
    // first pixel · 2^24 + id: unique keys, sorted numerically (ids < 2^24, pixels < 2^29).
    const SHIFT = 16777216;
    for (let b = 1; b <= basins; b++) order[b - 1] = bFirst[b] * SHIFT + b;
    const sorted = order.subarray(0, basins).sort();
    const nuclei: Nucleus[] = [];
    if (this.nucleusBoxes.length < 4 * basins) this.nucleusBoxes = new Int32Array(4 * basins);
    const boxes = this.nucleusBoxes;
    for (let k = 0; k < basins; k++) {
      const b = sorted[k] % SHIFT;
      const a = bArea[b];
      if (a < minArea || a > maxArea) {
        remap[b] = 0;
        continue;
      }
      const label = nuclei.length + 1;
      remap[b] = label;
      nuclei.push({ label, cx: bSx[b] / a, cy: bSy[b] / a, areaPx: a, meanH: bSh[b] / a });
      boxes.set(this.bBox.subarray(4 * b, 4 * b + 4), 4 * (label - 1));
    }
    for (let c = 1; c <= comps; c++) {
      if (this.alive[c] === 0) continue;
      const x0 = this.bx0[c];
      const x1 = this.bx1[c];
      for (let y = this.by0[c]; y <= this.by1[c]; y++) {
        for (let g = y * w + x0, end = y * w + x1; g <= end; g++) {
          const l = labels[g];
          if (l < 0) labels[g] = remap[-l];
        }
      }
    }
    return nuclei;
  }

  private ensureBox(m: number): void {
    if (this.seen.length >= m) return;
    this.seen = new Uint8Array(m);
    this.queue = new Int32Array(m);
    this.boxFeature = new Uint8Array(m);
    this.boxMask = new Uint8Array(m);
    this.boxD2 = new Float32Array(m);
    this.boxLabels = new Int32Array(m);
  }

  private growComponents(min: number): void {
    const size = Math.max(min, this.alive.length * 2, 256);
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.bx0 = grow(this.bx0, (n) => new Int32Array(n));
    this.by0 = grow(this.by0, (n) => new Int32Array(n));
    this.bx1 = grow(this.bx1, (n) => new Int32Array(n));
    this.by1 = grow(this.by1, (n) => new Int32Array(n));
    this.alive = grow(this.alive, (n) => new Uint8Array(n));
  }

  private growBasins(min: number): void {
    if (this.bArea.length >= min) return;
    const size = Math.max(min, this.bArea.length * 2, 256);
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.bArea = i32(this.bArea);
    this.bFirst = i32(this.bFirst);
    this.bSx = f64(this.bSx);
    this.bSy = f64(this.bSy);
    this.bSh = f64(this.bSh);
    const box = new Int32Array(4 * size);
    box.set(this.bBox);
    this.bBox = box;
  }
}
