import { findRoot } from '../../../src/image/union-find.js';
import type { WatershedOptions } from '../../../src/image/watershed.js';
/**
 * src/image/watershed.ts's flood as it was before the visited flag moved into the parent array and
 * rim pixels were marked in the height order: kept to check that the fast one gives the same labels.
 */
export class ReferenceWatershed {
  private parent = new Int32Array(0);
  private order = new Int32Array(0);
  private peak = new Float32Array(0);
  private peakIdx = new Int32Array(0);
  private keys = new Int32Array(0);
  private counts = new Int32Array(0);

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

    // Bucket sort of mask pixels by descending elevation; stable, so ties go in raster order.
    let maxKey = 0;
    let fg = 0;
    for (let i = 0; i < n; i++) {
      if (mask[i] === 0) continue;
      const k = Math.max(0, Math.floor(elevation[i] * perUnit));
      keys[i] = k;
      if (k > maxKey) maxKey = k;
      fg++;
    }
    if (this.counts.length < maxKey + 2) this.counts = new Int32Array(maxKey + 2);
    const counts = this.counts;
    counts.fill(0, 0, maxKey + 2);
    for (let i = 0; i < n; i++) if (mask[i] !== 0) counts[maxKey - keys[i] + 1]++;
    for (let k = 1; k <= maxKey + 1; k++) counts[k] += counts[k - 1];
    for (let i = 0; i < n; i++) if (mask[i] !== 0) order[counts[maxKey - keys[i]]++] = i;

    const find = (a: number): number => findRoot(parent, a);

    for (let i = 0; i < n; i++) labels[i] = 0;
    // labels doubles as the "visited" flag during flooding (1 = visited).
    const nb = Int32Array.of(-w - 1, -w, -w + 1, -1, 1, w - 1, w, w + 1);
    const roots = new Int32Array(8);
    for (let o = 0; o < fg; o++) {
      const p = order[o];
      const e = elevation[p];
      const x = p % w;
      const y = (p - x) / w;
      let nRoots = 0;
      let best = -1;
      let bestE = -Infinity;
      // Bounds are tested only on the image rim (boxes around a component keep it off the rim).
      const inside = x > 0 && x < w - 1 && y > 0 && y < h - 1;
      for (let t = 0; t < 8; t++) {
        if (!inside) {
          const dx = t === 0 || t === 3 || t === 5 ? -1 : t === 2 || t === 4 || t === 7 ? 1 : 0;
          const dy = t < 3 ? -1 : t > 4 ? 1 : 0;
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || xx >= w || yy < 0 || yy >= h) continue;
        }
        const q = p + nb[t];
        if (labels[q] === 0) continue;
        const r = find(q);
        let seen = false;
        for (let s = 0; s < nRoots; s++) if (roots[s] === r) seen = true;
        if (!seen) roots[nRoots++] = r;
        if (elevation[q] > bestE) {
          bestE = elevation[q];
          best = r;
        }
      }
      labels[p] = 1;
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
    for (let o = 0; o < fg; o++) remap[order[o]] = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (labels[i] === 0) continue;
      const r = find(i);
      if (remap[r] === 0) remap[r] = ++count;
      labels[i] = remap[r];
    }
    return count;
  }
}
