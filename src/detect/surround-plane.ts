import { medianInPlace } from '../image/kth-smallest.js';
import { bucketFreeIndices } from './label-buckets.js';

/**
 * The DAB of the tissue round each cell as a plane, background(x, y) = a + b·x + c·y in pixel
 * coordinates, fitted to the free pixels of its surround band: those `far` (nuclei grown to the
 * band's outer edge) gives to the cell and `near` (grown to its inner edge) gives to no cell.
 *
 * Why a plane and not the band's median: diffuse stain comes in smooth patches 20–100 µm across
 * (IL-1 in sarcoplasm and stroma), so a cell often lies on a patch's flank. There the band is
 * stained on one side and clear on the other; its median falls to the clear side's level while
 * the cell reads the stain it sits in, and a negative cell grades 1+ (held-out lab-realism seed
 * 5015: 9 negative myonuclei and stromal cells on patch flanks, median surround 0.03–0.3 where
 * the tissue under them is 0.17–0.54). The slope comes from least squares; the level from the
 * median of the band with the slope taken off, so a stained neighbour's spill or a fibre edge
 * in the band moves the level no more than it moved the median. A band too small or too
 * one-sided to fix a slope (fewer than MIN_SLOPE_PIXELS, or its pixels nearly on a line) gets a
 * flat plane at its median, as before.
 *
 * Out: 3 numbers per label, [a, b, c] at 3·l; NaN for a label whose band has no free pixel.
 */
export function surroundPlanes(near: Int32Array, far: Int32Array, dab: Float32Array, count: number, rects: readonly number[], w: number): Float64Array {
  const { start, index } = bucketFreeIndices(far, near, count, rects, w);
  const out = new Float64Array(3 * (count + 1)).fill(Number.NaN);
  let residual = new Float32Array(0);
  for (let l = 1; l <= count; l++) {
    const s = start[l];
    const k = start[l + 1] - s;
    if (k === 0) continue;
    let mx = 0;
    let my = 0;
    let md = 0;
    for (let j = s; j < s + k; j++) {
      const i = index[j];
      mx += i % w;
      my += (i / w) | 0;
      md += dab[i];
    }
    mx /= k;
    my /= k;
    md /= k;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    let sxd = 0;
    let syd = 0;
    for (let j = s; j < s + k; j++) {
      const i = index[j];
      const dx = (i % w) - mx;
      const dy = ((i / w) | 0) - my;
      const dd = dab[i] - md;
      sxx += dx * dx;
      sxy += dx * dy;
      syy += dy * dy;
      sxd += dx * dd;
      syd += dy * dd;
    }
    const det = sxx * syy - sxy * sxy;
    // a determinant near zero relative to the spreads: the pixels lie nearly on a line
    const fits = k >= MIN_SLOPE_PIXELS && det > MIN_SPREAD_RATIO * sxx * syy;
    const b = fits ? (syy * sxd - sxy * syd) / det : 0;
    const c = fits ? (sxx * syd - sxy * sxd) / det : 0;
    if (residual.length < k) residual = new Float32Array(k);
    const r = residual.subarray(0, k);
    for (let j = 0; j < k; j++) {
      const i = index[s + j];
      r[j] = dab[i] - b * ((i % w) - mx) - c * (((i / w) | 0) - my);
    }
    const level = medianInPlace(r);
    out[3 * l] = level - b * mx - c * my;
    out[3 * l + 1] = b;
    out[3 * l + 2] = c;
  }
  return out;
}

const MIN_SLOPE_PIXELS = 12;
/** det / (sxx · syy) = 1 − (correlation of x and y)²: below 0.1 the band is a near-straight strip */
const MIN_SPREAD_RATIO = 0.1;

/**
 * `dab` with each cell pixel's surround plane taken off, into `out` (cell pixels only: the rest
 * of `out` is left as it was). Cells whose band had no free pixel keep their DAB.
 */
export function subtractSurround(cellLabels: Int32Array, dab: Float32Array, planes: Float64Array, rects: readonly number[], w: number, out: Float32Array): void {
  for (let k = 0; k < rects.length; k += 4) {
    for (let y = rects[k + 1]; y <= rects[k + 3]; y++) {
      for (let x = rects[k], i = y * w + x; x <= rects[k + 2]; x++, i++) {
        const l = cellLabels[i];
        if (l === 0) continue;
        const a = planes[3 * l];
        out[i] = Number.isNaN(a) ? dab[i] : dab[i] - (a + planes[3 * l + 1] * x + planes[3 * l + 2] * y);
      }
    }
  }
}
