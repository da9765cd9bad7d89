import { findRoot } from './union-find.js';
/**
 * Watershed by flooding from the top of an elevation map (here: the distance transform of the
 * nucleus mask, so the relief is the shape — SCIENCE.md "split touching nuclei by shape").
 *
 * Pixels are visited from highest to lowest elevation (a bucket queue). A pixel with no visited
 * neighbour starts a basin at a regional maximum; otherwise it joins the basin of its highest
 * visited neighbour. When two basins meet, the younger one (lower peak) survives as a separate
 * object only if it is significant: its peak stands at least `dynamic` above the meeting level
 * (h-maxima: the dynamic of the maximum) AND its peak lies at least `minSeparation` px from the
 * elder's peak. Otherwise it is merged into the elder. This is marker-controlled watershed
 * with markers = the significant maxima, computed in one pass with union-find.
 *
 * 8-connected. Output labels 1..count in raster order of the basin's first pixel; 0 outside mask.
 */
export interface WatershedOptions {
  /** minimum height of a peak above its saddle to stand alone (elevation units, e.g. px) */
  dynamic: number;
  /** minimum distance between two kept peaks, px */
  minSeparation: number;
  /** a peak lower than thinPeak (px) must also stand relativeDynamic × its height above the meeting level */
  relativeDynamic?: number;
  thinPeak?: number;
  /** elevation resolution of the bucket queue (buckets per elevation unit) */
  bucketsPerUnit?: number;
  /**
   * The mask's 8-connected components (labels 1..count, e.g. ComponentLabeller's): the flood then
   * runs one component after another, each in its own height order. Basins never cross
   * components, so the labels are the same; a plane full of fibres floods ~2× faster, as a
   * component's pixels stay in cache while the flood walks its heights. May be the output array:
   * it is read before any label is written.
   */
  components?: { labels: Int32Array; count: number };
}

export class Watershed {
  private parent = new Int32Array(0);
  private order = new Int32Array(0);
  private peak = new Float32Array(0);
  private peakIdx = new Int32Array(0);
  private keys = new Int32Array(0);
  private counts = new Int32Array(0);
  private grouped = new Int32Array(0);
  private compStart = new Int32Array(0);

  private ensure(n: number): void {
    if (this.parent.length < n) {
      this.parent = new Int32Array(n);
      this.order = new Int32Array(n);
      this.peak = new Float32Array(n);
      this.peakIdx = new Int32Array(n);
      this.keys = new Int32Array(n);
    }
  }

  split(mask: Uint8Array, elevation: Float32Array, width: number, height: number, labels: Int32Array, opts: WatershedOptions): number {
    const w = width;
    const h = height;
    const n = w * h;
    this.ensure(n);
    const { parent, order, peak, peakIdx, keys } = this;
    const perUnit = opts.bucketsPerUnit ?? 8;
    const dyn = opts.dynamic;
    const rel = opts.relativeDynamic ?? 0;
    const thin = opts.thinPeak ?? 0;
    const sep2 = opts.minSeparation * opts.minSeparation;

    // Mask pixels by descending elevation (bucket sort), ties in raster order; with components, each
    // component's pixels so, one component after another. A pixel on the image rim goes in as ~i,
    // so the flood finds its bounds without a division per pixel.
    const fg = opts.components ? this.sortByComponent(mask, elevation, w, h, perUnit, opts.components) : this.sortAll(mask, elevation, w, h, perUnit);

    const find = (a: number): number => findRoot(parent, a);

    // parent doubles as the "visited" flag during flooding (−1 = not yet), so a neighbour's test
    // and its root read one array: the flood visits pixels by height, far apart in memory.
    parent.fill(-1, 0, n);
    const nb = Int32Array.of(-w - 1, -w, -w + 1, -1, 1, w - 1, w, w + 1);
    const roots = new Int32Array(8);
    for (let o = 0; o < fg; o++) {
      const op = order[o];
      // Bounds are tested only on the image rim (boxes around a component keep it off the rim).
      const inside = op >= 0;
      const p = inside ? op : ~op;
      const e = elevation[p];
      const x = inside ? 0 : p % w;
      const y = inside ? 0 : (p - x) / w;
      let nRoots = 0;
      let best = -1;
      let bestE = -Infinity;
      for (let t = 0; t < 8; t++) {
        if (!inside) {
          const dx = t === 0 || t === 3 || t === 5 ? -1 : t === 2 || t === 4 || t === 7 ? 1 : 0;
          const dy = t < 3 ? -1 : t > 4 ? 1 : 0;
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || xx >= w || yy < 0 || yy >= h) continue;
        }
        const q = p + nb[t];
        let r = parent[q];
        if (r < 0) continue;
        // a pixel points at its basin's root, or at a root since merged: walk on from there
        if (parent[r] !== r) r = find(r);
        let seen = false;
        for (let s = 0; s < nRoots; s++) if (roots[s] === r) seen = true;
        if (!seen) roots[nRoots++] = r;
        if (elevation[q] > bestE) {
          bestE = elevation[q];
          best = r;
        }
      }
      if (nRoots === 0) {
        parent[p] = p;
        peak[p] = e;
        peakIdx[p] = p;
        continue;
      }
      // Basins meeting at p: merge the insignificant younger ones into the elder.
      if (nRoots > 1) {
        // Process from eldest (highest peak; ties: lower peak index) down.
        for (let a = 1; a < nRoots; a++) {
          for (let b = a; b > 0; b--) {
            const r1 = roots[b - 1];
            const r2 = roots[b];
            if (peak[r2] > peak[r1] || (peak[r2] === peak[r1] && peakIdx[r2] < peakIdx[r1])) {
              roots[b - 1] = r2;
              roots[b] = r1;
            } else break;
          }
        }
        for (let a = 1; a < nRoots; a++) {
          const young = find(roots[a]);
          let elder = -1;
          // Merge into the nearest-in-rank elder basin among those still distinct at p.
          for (let b = 0; b < a; b++) {
            const rb = find(roots[b]);
            if (rb !== young) {
              elder = rb;
              break;
            }
          }
          if (elder < 0) continue;
          const pi = peakIdx[young];
          const pe = peakIdx[elder];
          const ddx = (pi % w) - (pe % w);
          const ddy = ((pi - (pi % w)) / w) - ((pe - (pe % w)) / w);
          const need = peak[young] < thin ? Math.max(dyn, rel * peak[young]) : dyn;
          const significant = peak[young] - e >= need && ddx * ddx + ddy * ddy >= sep2;
          if (!significant) parent[young] = elder;
        }
      }
      parent[p] = find(best);
    }

    // Final labels: basins numbered in raster order of their first pixel.
    const remap = this.keys; // reuse: root index → final label
    for (let o = 0; o < fg; o++) remap[order[o] >= 0 ? order[o] : ~order[o]] = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (parent[i] < 0) {
        labels[i] = 0;
        continue;
      }
      const r = find(i);
      if (remap[r] === 0) remap[r] = ++count;
      labels[i] = remap[r];
    }
    return count;
  }

  /** order[0..fg) ← every mask pixel, descending bucket, raster order within a bucket; returns fg */
  private sortAll(mask: Uint8Array, elevation: Float32Array, w: number, h: number, perUnit: number): number {
    const { order, keys } = this;
    const n = w * h;
    let maxKey = 0;
    let fg = 0;
    for (let i = 0; i < n; i++) {
      if (mask[i] === 0) continue;
      const k = Math.max(0, Math.floor(elevation[i] * perUnit));
      keys[i] = k;
      if (k > maxKey) maxKey = k;
      fg++;
    }
    const counts = this.countsFor(maxKey);
    for (let i = 0; i < n; i++) if (mask[i] !== 0) counts[maxKey - keys[i] + 1]++;
    for (let k = 1; k <= maxKey + 1; k++) counts[k] += counts[k - 1];
    for (let y = 0, i = 0; y < h; y++) {
      const rimRow = y === 0 || y === h - 1;
      for (let x = 0; x < w; x++, i++) if (mask[i] !== 0) order[counts[maxKey - keys[i]]++] = rimRow || x === 0 || x === w - 1 ? ~i : i;
    }
    return fg;
  }

  /**
   * As sortAll, but component by component (label order), each sorted alone. Every pass reads the
   * plane in raster order or one component's pixels, never the whole plane in height order.
   */
  private sortByComponent(mask: Uint8Array, elevation: Float32Array, w: number, h: number, perUnit: number, components: { labels: Int32Array; count: number }): number {
    const { order, keys } = this;
    const { labels, count } = components;
    const n = w * h;
    if (this.grouped.length < n) this.grouped = new Int32Array(this.parent.length);
    if (this.compStart.length < count + 2) this.compStart = new Int32Array(count + 2);
    const start = this.compStart;
    start.fill(0, 0, count + 2);
    let maxKey = 0;
    for (let i = 0; i < n; i++) {
      if (mask[i] === 0) continue;
      const c = labels[i];
      if (!(c >= 1 && c <= count)) throw new RangeError(`watershed: mask pixel ${i} has component label ${c}, not 1..${count}`);
      const k = Math.max(0, Math.floor(elevation[i] * perUnit));
      keys[i] = k;
      if (k > maxKey) maxKey = k;
      start[c + 1]++;
    }
    for (let c = 1; c <= count + 1; c++) start[c] += start[c - 1];
    const fg = start[count + 1];
    // each component's pixels in raster order (rim pixels as ~i)
    const grouped = this.grouped;
    for (let y = 0, i = 0; y < h; y++) {
      const rimRow = y === 0 || y === h - 1;
      for (let x = 0; x < w; x++, i++) if (mask[i] !== 0) grouped[start[labels[i]]++] = rimRow || x === 0 || x === w - 1 ? ~i : i;
    }
    // start[c] is now the end of component c, i.e. the start of c + 1; each one bucket-sorted into order
    const counts = this.countsFor(maxKey);
    let from = 0;
    for (let c = 1; c <= count; c++) {
      const to = start[c];
      counts.fill(0, 0, maxKey + 2);
      for (let o = from; o < to; o++) {
        const p = grouped[o];
        counts[maxKey - keys[p >= 0 ? p : ~p] + 1]++;
      }
      counts[0] = from;
      for (let k = 1; k <= maxKey + 1; k++) counts[k] += counts[k - 1];
      for (let o = from; o < to; o++) {
        const p = grouped[o];
        order[counts[maxKey - keys[p >= 0 ? p : ~p]]++] = p;
      }
      from = to;
    }
    return fg;
  }

  private countsFor(maxKey: number): Int32Array {
    if (this.counts.length < maxKey + 2) this.counts = new Int32Array(maxKey + 2);
    this.counts.fill(0, 0, maxKey + 2);
    return this.counts;
  }
}
