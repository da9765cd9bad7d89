import type { RgbRaster } from '../image/raster.js';
import { odLuts, type I0 } from '../stain/od.js';

/** 1 = tissue, 0 = glass; one byte per thumbnail pixel, row-major. */
export interface TissueMask {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface TissueMaskOptions {
  /** summed RGB optical density at or above which a pixel is tissue (AnalysisParams.tissue.odThreshold, 0.12) */
  odThreshold: number;
  /** background intensity for OD, one value or per channel (SCIENCE.md: 255 default, or estimated from the slide) */
  i0?: I0;
  /**
   * Cleaning sizes, in mask pixels. Defaults assume the default 8 µm/px mask: tissue pieces under
   * 9 px (~600 µm², smaller than one muscle fibre cross-section) are dust; enclosed glass up to
   * 16 px (~1000 µm²) is a tear or bubble inside tissue; 1 px of dilation keeps the pale edge of
   * the section that the threshold cuts off.
   */
  minSpeckPx?: number;
  maxHolePx?: number;
  dilatePx?: number;
}

/**
 * Flood every connected component of pixels equal to `value`; components for which `remove`
 * says so are flipped to the other value. Scratch arrays are allocated once per call.
 */
function filterComponents(
  mask: Uint8Array,
  width: number,
  height: number,
  value: 0 | 1,
  eightConnected: boolean,
  remove: (area: number, touchesBorder: boolean) => boolean,
): void {
  const n = width * height;
  const seen = new Uint8Array(n);
  const members = new Int32Array(n);
  for (let start = 0; start < n; start++) {
    if (seen[start] || mask[start] !== value) continue;
    seen[start] = 1;
    members[0] = start;
    let count = 1;
    let touchesBorder = false;
    // members doubles as the BFS queue: everything before `head` is processed
    for (let head = 0; head < count; head++) {
      const p = members[head];
      const x = p % width;
      const y = (p - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) touchesBorder = true;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx === 0 && dy === 0) || (!eightConnected && dx !== 0 && dy !== 0)) continue;
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (seen[q] || mask[q] !== value) continue;
          seen[q] = 1;
          members[count++] = q;
        }
      }
    }
    if (remove(count, touchesBorder)) for (let i = 0; i < count; i++) mask[members[i]] = 1 - value;
  }
}

/** Square dilation of radius r as two 1-D running-window passes (O(n), independent of r). */
function dilate(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  if (r <= 0) return mask;
  const tmp = new Uint8Array(mask.length);
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let inWindow = 0;
    for (let x = 0; x < Math.min(r, width); x++) inWindow += mask[row + x];
    for (let x = 0; x < width; x++) {
      if (x + r < width) inWindow += mask[row + x + r];
      if (x - r - 1 >= 0) inWindow -= mask[row + x - r - 1];
      tmp[row + x] = inWindow > 0 ? 1 : 0;
    }
  }
  for (let x = 0; x < width; x++) {
    let inWindow = 0;
    for (let y = 0; y < Math.min(r, height); y++) inWindow += tmp[y * width + x];
    for (let y = 0; y < height; y++) {
      if (y + r < height) inWindow += tmp[(y + r) * width + x];
      if (y - r - 1 >= 0) inWindow -= tmp[(y - r - 1) * width + x];
      out[y * width + x] = inWindow > 0 ? 1 : 0;
    }
  }
  return out;
}

/**
 * Tissue vs glass on a low-resolution thumbnail: glass is bright and unstained, so a pixel is
 * tissue when its summed RGB optical density reaches the threshold. Then: drop specks, fill
 * small enclosed holes, dilate slightly.
 */
export function tissueMask(thumb: RgbRaster, opts: TissueMaskOptions): TissueMask {
  const { width, height } = thumb;
  if (thumb.channels !== 3 || thumb.data.length !== width * height * 3) {
    throw new RangeError(`tissueMask needs an RGB raster; got ${width}×${height}×${thumb.channels} with ${thumb.data.length} bytes`);
  }
  const { odThreshold, i0 = 255, minSpeckPx = 9, maxHolePx = 16, dilatePx = 1 } = opts;
  const [lr, lg, lb] = odLuts(i0);
  const src = thumb.data;
  const mask = new Uint8Array(width * height);
  for (let p = 0, i = 0; p < mask.length; p++, i += 3) {
    mask[p] = lr[src[i]] + lg[src[i + 1]] + lb[src[i + 2]] >= odThreshold ? 1 : 0;
  }
  filterComponents(mask, width, height, 1, true, (area) => area < minSpeckPx);
  // glass touching the border is the slide background, never a hole
  filterComponents(mask, width, height, 0, false, (area, border) => !border && area <= maxHolePx);
  return { width, height, data: dilate(mask, width, height, dilatePx) };
}
