import { findRoot } from './union-find.js';
/**
 * Connected-component labelling of a binary mask, two raster passes with union-find
 * (Rosenfeld–Pfaltz). 8-connected by default (nuclei touch diagonally after thresholding),
 * 4-connected on request. Labels are 1..count in raster order of each component's first pixel;
 * 0 is background. Deterministic.
 */
export class ComponentLabeller {
  private parent = new Int32Array(0);

  label(mask: Uint8Array, width: number, height: number, labels: Int32Array, connectivity: 4 | 8 = 8): number {
    return this.run(mask, width, height, labels, connectivity, false).count;
  }

  /**
   * label() with each component's pixel count, counted in the pass that writes the final labels:
   * for callers that need the areas alone (componentStats is a further pass and seven more arrays).
   */
  labelWithAreas(mask: Uint8Array, width: number, height: number, labels: Int32Array, connectivity: 4 | 8 = 8): { count: number; area: Int32Array } {
    const r = this.run(mask, width, height, labels, connectivity, true);
    return { count: r.count, area: r.area! };
  }

  private run(mask: Uint8Array, width: number, height: number, labels: Int32Array, connectivity: 4 | 8, withArea: boolean): { count: number; area?: Int32Array } {
    const w = width;
    const h = height;
    const n = w * h;
    // Provisional labels ≤ number of pixels; at most one new label per pixel.
    if (this.parent.length < (n >> 1) + 2) this.parent = new Int32Array((n >> 1) + 2);
    let parent = this.parent;
    let next = 1;
    const find = (a: number): number => findRoot(parent, a);
    const union = (a: number, b: number): number => {
      const ra = find(a);
      const rb = find(b);
      if (ra === rb) return ra;
      // The smaller provisional label wins: keeps final numbering in raster order.
      if (ra < rb) {
        parent[rb] = ra;
        return ra;
      }
      parent[ra] = rb;
      return rb;
    };
    // Which neighbours need a union (Wu, Otoo & Suzuki's decision tree): in 8-connectivity the
    // pixel above touches the other three labelled neighbours, so they are joined already when it
    // is set; above-right joins above-left or left, which touch each other. Only unions that are
    // redundant are skipped, so every class, its smallest provisional label, and so the final
    // numbering are what the four-union scan gave.
    const newLabel = (): number => {
      if (next >= parent.length) {
        const grown = new Int32Array(parent.length * 2);
        grown.set(parent);
        this.parent = parent = grown;
      }
      parent[next] = next;
      return next++;
    };
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < w; x++) {
        const i = row + x;
        if (mask[i] === 0) {
          labels[i] = 0;
          continue;
        }
        const left = x > 0 ? labels[i - 1] : 0;
        const up = y > 0 ? labels[i - w] : 0;
        let l: number;
        if (connectivity === 8) {
          const upLeft = y > 0 && x > 0 ? labels[i - w - 1] : 0;
          const upRight = y > 0 && x < w - 1 ? labels[i - w + 1] : 0;
          if (up !== 0) l = up;
          else if (upRight !== 0) {
            const other = upLeft !== 0 ? upLeft : left;
            l = other !== 0 && other !== upRight ? union(other, upRight) : upRight;
          } else if (upLeft !== 0) l = upLeft;
          else if (left !== 0) l = left;
          else l = newLabel();
        } else if (up !== 0) l = left !== 0 && left !== up ? union(left, up) : up;
        else l = left !== 0 ? left : newLabel();
        labels[i] = l;
      }
    }
    // Compact: roots in increasing provisional order get 1..count (raster order of first pixel).
    const final = new Int32Array(next);
    let count = 0;
    for (let l = 1; l < next; l++) {
      const r = find(l);
      if (r === l) final[l] = ++count;
    }
    for (let l = 1; l < next; l++) final[l] = final[find(l)];
    if (!withArea) {
      for (let i = 0; i < n; i++) if (labels[i] !== 0) labels[i] = final[labels[i]];
      return { count };
    }
    const area = new Int32Array(count + 1);
    for (let i = 0; i < n; i++) {
      if (labels[i] === 0) continue;
      const l = final[labels[i]];
      labels[i] = l;
      area[l]++;
    }
    return { count, area };
  }
}

/** Per label 0..count: 1 for the components that touch the plane's edge (label 0, the background, is 0). */
export function componentsOnEdge(labels: Int32Array, w: number, h: number, count: number): Uint8Array {
  const out = new Uint8Array(count + 1);
  for (let x = 0; x < w; x++) {
    out[labels[x]] = 1;
    out[labels[(h - 1) * w + x]] = 1;
  }
  for (let y = 0; y < h; y++) {
    out[labels[y * w]] = 1;
    out[labels[y * w + w - 1]] = 1;
  }
  out[0] = 0;
  return out;
}

/** Per-component pixel count, centroid (pixel-centre coordinates) and bounding box. */
export interface ComponentStats {
  count: number;
  area: Int32Array;
  cx: Float64Array;
  cy: Float64Array;
  x0: Int32Array;
  y0: Int32Array;
  x1: Int32Array;
  y1: Int32Array;
}

/** Stats for labels 1..count (index 0 unused). */
export function componentStats(labels: Int32Array, width: number, height: number, count: number): ComponentStats {
  const area = new Int32Array(count + 1);
  const sx = new Float64Array(count + 1);
  const sy = new Float64Array(count + 1);
  const x0 = new Int32Array(count + 1).fill(width);
  const y0 = new Int32Array(count + 1).fill(height);
  const x1 = new Int32Array(count + 1).fill(-1);
  const y1 = new Int32Array(count + 1).fill(-1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const l = labels[row + x];
      if (l === 0) continue;
      area[l]++;
      sx[l] += x;
      sy[l] += y;
      if (x < x0[l]) x0[l] = x;
      if (x > x1[l]) x1[l] = x;
      if (y < y0[l]) y0[l] = y;
      if (y > y1[l]) y1[l] = y;
    }
  }
  for (let l = 1; l <= count; l++) {
    if (area[l] > 0) {
      sx[l] /= area[l];
      sy[l] /= area[l];
    }
  }
  return { count, area, cx: sx, cy: sy, x0, y0, x1, y1 };
}
