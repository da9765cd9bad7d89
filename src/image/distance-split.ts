import { DistanceTransform } from './distance-transform.js';
import { ComponentLabeller } from './label.js';
import { Watershed, type WatershedOptions } from './watershed.js';

export type DistanceSplitOptions = Omit<WatershedOptions, 'components'>;

/**
 * The distance-transform watershed of a binary mask (relief: each pixel's distance to the
 * background), flooded component by component, with its buffers kept between calls.
 */
export class DistanceSplit {
  private readonly edt = new DistanceTransform();
  private readonly labeller = new ComponentLabeller();
  private readonly watershed = new Watershed();
  private dist = new Float32Array(0);
  private comps = new Int32Array(0);
  private cropMask = new Uint8Array(0);
  private cropLabels = new Int32Array(0);
  private remap = new Int32Array(0);

  /** `mask`'s basins into `out`: 1..count in raster order of each basin's first pixel, 0 off the mask */
  split(mask: Uint8Array, w: number, h: number, out: Int32Array, opts: DistanceSplitOptions): number {
    const n = w * h;
    if (this.dist.length < n) this.dist = new Float32Array(n);
    const dist = this.dist;
    this.edt.squared(mask, w, h, dist, { invert: true });
    for (let i = 0; i < n; i++) dist[i] = Math.sqrt(dist[i]);
    // out holds the components until the flood, which reads them first, writes the basins
    const components = { labels: out, count: this.labeller.label(mask, w, h, out) };
    return this.watershed.split(mask, dist, w, h, out, { ...opts, components });
  }

  /**
   * split(mask), given an earlier mask `before` and split(before) (`beforeLabels`, `beforeCount`;
   * not `out`). A component of `mask` none of whose pixels lies within one pixel of a changed one
   * is a component of `before` too: its pixels and the background round it are the same, so are
   * its distances (a pixel's nearest background touches its component) and its basins, which are
   * taken from beforeLabels. The other components are split anew on their bounding box (+1 px,
   * which holds each pixel's nearest background). Same labels and count as split(mask): the
   * fibre segmentation's second look at the few regions merged through a faint endomysium need not
   * flood the whole plane again.
   */
  resplit(mask: Uint8Array, before: Uint8Array, beforeLabels: Int32Array, beforeCount: number, w: number, h: number, out: Int32Array, opts: DistanceSplitOptions): number {
    const n = w * h;
    if (this.comps.length < n) this.comps = new Int32Array(n);
    const comps = this.comps;
    const count = this.labeller.label(mask, w, h, comps);
    const dirty = new Uint8Array(count + 1);
    let x0 = w;
    let y0 = h;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0, i = 0; y < h; y++) {
      for (let x = 0; x < w; x++, i++) {
        if (mask[i] === before[i]) continue;
        for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
          for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) dirty[comps[yy * w + xx]] = 1;
        }
      }
    }
    dirty[0] = 0;
    // the box of the changed components, 1 px round
    for (let y = 0, i = 0; y < h; y++) {
      for (let x = 0; x < w; x++, i++) {
        if (dirty[comps[i]] === 0) continue;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
    let cropCount = 0;
    let bx0 = 0;
    let by0 = 0;
    let bw = 0;
    if (x1 >= 0) {
      bx0 = Math.max(0, x0 - 1);
      by0 = Math.max(0, y0 - 1);
      bw = Math.min(w - 1, x1 + 1) - bx0 + 1;
      const bh = Math.min(h - 1, y1 + 1) - by0 + 1;
      if (this.cropMask.length < bw * bh) {
        this.cropMask = new Uint8Array(bw * bh);
        this.cropLabels = new Int32Array(bw * bh);
      }
      const crop = this.cropMask;
      for (let y = 0; y < bh; y++) for (let x = 0, j = y * bw, i = (by0 + y) * w + bx0; x < bw; x++, i++, j++) crop[j] = dirty[comps[i]];
      cropCount = this.split(crop, bw, bh, this.cropLabels, opts);
    }
    // basins in raster order of their first pixel: the kept ones as 1..beforeCount, the new ones after
    if (this.remap.length < beforeCount + cropCount + 1) this.remap = new Int32Array(beforeCount + cropCount + 1);
    const remap = this.remap;
    remap.fill(0, 0, beforeCount + cropCount + 1);
    const cropLabels = this.cropLabels;
    let basins = 0;
    for (let y = 0, i = 0; y < h; y++) {
      for (let x = 0; x < w; x++, i++) {
        const c = comps[i];
        if (c === 0) {
          out[i] = 0;
          continue;
        }
        const provisional = dirty[c] === 0 ? beforeLabels[i] : beforeCount + cropLabels[(y - by0) * bw + (x - bx0)];
        if (provisional === 0) throw new RangeError(`resplit: pixel ${i} of an unchanged component has no basin in beforeLabels`);
        if (remap[provisional] === 0) remap[provisional] = ++basins;
        out[i] = remap[provisional];
      }
    }
    return basins;
  }
}
