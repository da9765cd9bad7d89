import { rgbRaster, type RgbRaster } from '../image/raster.js';
import type { RenderSource } from './render.js';

/**
 * A small rendered section lying on a large slide of clean glass: a whole-slide-sized file (for
 * upload and I/O tests) whose analysis costs only the section's few tiles, since only tiles that
 * touch tissue are analysed. The glass is flat at `glass` (the section's own I0, so its edges
 * show no step); the section keeps its planted truth, shifted by (x, y).
 */
export function onGlass(section: RenderSource, slide: { width: number; height: number; x: number; y: number; glass: number }): RenderSource {
  const { width, height, x, y, glass } = slide;
  if (x < 0 || y < 0 || x + section.width > width || y + section.height > height) {
    throw new RangeError(`a ${section.width}x${section.height} section at ${x},${y} does not fit a ${width}x${height} slide`);
  }
  return {
    width,
    height,
    mpp: section.mpp,
    // the section renders its own overlap with each region; the slide keeps no scratch of its own
    scratch: (w, h, reuse) => section.scratch(Math.min(w, section.width), Math.min(h, section.height), reuse),
    region(x0, y0, w, h, _scratch, out): RgbRaster {
      const o = out ?? rgbRaster(w, h);
      o.data.fill(glass, 0, w * h * 3);
      const ix0 = Math.max(x0, x);
      const iy0 = Math.max(y0, y);
      const ix1 = Math.min(x0 + w, x + section.width);
      const iy1 = Math.min(y0 + h, y + section.height);
      if (ix1 <= ix0 || iy1 <= iy0) return o;
      const part = section.region(ix0 - x, iy0 - y, ix1 - ix0, iy1 - iy0);
      const rowBytes = (ix1 - ix0) * 3;
      for (let r = 0; r < iy1 - iy0; r++) {
        const from = r * rowBytes;
        o.data.set(part.data.subarray(from, from + rowBytes), ((iy0 - y0 + r) * w + (ix0 - x0)) * 3);
      }
      return o;
    },
  };
}
