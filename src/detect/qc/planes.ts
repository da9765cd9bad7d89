/**
 * The planes the QC causes read, computed once per tile: summed RGB optical density, the same
 * smoothed at two scales (fine: sensor noise off, edges kept; coarse: for the focus ratio), the
 * gradient energy of each (Tenengrad), and each pixel's share of OD off the H-DAB plane.
 */
import { gaussianBlur } from '../../image/gaussian.js';
import { floatPlane, type RgbRaster } from '../../image/raster.js';
import { deconvolve } from '../../stain/deconvolve.js';
import { odLuts, type I0 } from '../../stain/od.js';
import { cross, normalize, type StainMatrix } from '../../stain/vectors.js';

export interface QcPlanes {
  width: number;
  height: number;
  /** summed OD of R, G, B against I0 */
  od: Float32Array;
  /** od smoothed at the fine scale */
  smooth: Float32Array;
  /** squared central-difference gradient of the fine and the coarse smoothing of the focus plane (summed OD, or hematoxylin for focusPlane 'hematoxylin') */
  fine2: Float32Array;
  coarse2: Float32Array;
  /** focusPlane 'both': the same on the hematoxylin plane */
  hFine2?: Float32Array;
  hCoarse2?: Float32Array;
  /** hematoxylin and DAB concentrations (colour deconvolution with the slide's vectors) */
  hema: Float32Array;
  dab: Float32Array;
  /** |OD · n| / |OD|, n the normal of the H-DAB plane: 0 for any mixture of the two stains */
  offPlane: Float32Array;
  /** the same of the OD averaged over penSmoothUm (pen ink is off the plane everywhere, pixel noise is not); all 0 when offPlanePx is null */
  inkOffPlane: Float32Array;
  /** smallest channel OD over the largest: 1 for a neutral grey absorber */
  neutrality: Float32Array;
}

/**
 * focusPlane: the plane whose gradient energies the focus ratio reads — summed OD, hematoxylin
 * alone (nuclei and fibre borders carry the edges; a diffuse DAB patch, IL-1 fibre staining, is
 * smooth at any focus and on summed OD read as blurred), or both (a block is blurred only when
 * both read blurred: a blurred field blurs its nuclei too, a DAB patch leaves them sharp).
 */
export function qcPlanes(rgb: RgbRaster, i0: I0, stain: StainMatrix, finePx: number, coarsePx: number, focusPlane: FocusPlane = 'od', offPlanePx: number | null = 0): QcPlanes {
  const { width: w, height: h, data } = rgb;
  if (rgb.channels !== 3) throw new RangeError(`QC needs an RGB raster (3 channels), got ${rgb.channels}`);
  const n = w * h;
  const [lr, lg, lb] = odLuts(i0);
  const [nx, ny, nz] = normalize(cross(stain.hematoxylin, stain.dab));
  const offPlaneShare = (r: number, g: number, b: number): number => {
    const norm = Math.sqrt(r * r + g * g + b * b);
    return norm > 0 ? Math.abs(r * nx + g * ny + b * nz) / norm : 0;
  };
  const od = new Float32Array(n);
  const offPlane = new Float32Array(n);
  const inkOffPlane = new Float32Array(n);
  const neutrality = new Float32Array(n);
  const odR = new Float32Array(n), odG = new Float32Array(n), odB = new Float32Array(n);
  for (let p = 0, s = 0; p < n; p++, s += 3) {
    const r = lr[data[s]], g = lg[data[s + 1]], b = lb[data[s + 2]];
    od[p] = r + g + b;
    odR[p] = r;
    odG[p] = g;
    odB[p] = b;
    offPlane[p] = offPlaneShare(r, g, b);
    const mx = Math.max(r, g, b);
    neutrality[p] = mx > 0 ? Math.min(r, g, b) / mx : 0;
  }
  // the off-plane share of the locally averaged OD: sensor and JPEG noise on pale sarcoplasm
  // (summed OD ~0.3) throws single pixels off the plane, while an ink stroke is off it everywhere
  if (offPlanePx !== null) {
    const sr = gaussianBlur(floatPlane(w, h, odR), offPlanePx).data;
    const sg = gaussianBlur(floatPlane(w, h, odG), offPlanePx).data;
    const sb = gaussianBlur(floatPlane(w, h, odB), offPlanePx).data;
    for (let p = 0; p < n; p++) inkOffPlane[p] = offPlaneShare(sr[p], sg[p], sb[p]);
  }
  const smooth = gaussianBlur(floatPlane(w, h, od), finePx).data;
  const stains = deconvolve(rgb, stain, i0);
  const hema = stains.hematoxylin.data;
  const [fine2, coarse2] = focusPlane === 'hematoxylin' ? energies(hema, w, h, finePx, coarsePx) : [gradient2(smooth, w, h), gradient2(gaussianBlur(floatPlane(w, h, od), coarsePx).data, w, h)];
  const out: QcPlanes = { width: w, height: h, od, smooth, hema, dab: stains.dab.data, fine2, coarse2, offPlane, inkOffPlane, neutrality };
  if (focusPlane === 'both') [out.hFine2, out.hCoarse2] = energies(hema, w, h, finePx, coarsePx);
  return out;
}

export type FocusPlane = 'od' | 'hematoxylin' | 'both';

/** Gradient energy of a plane at the fine and the coarse smoothing. */
function energies(plane: Float32Array, w: number, h: number, finePx: number, coarsePx: number): [Float32Array, Float32Array] {
  // gaussianBlur writes a new plane and never its source: no copies of `plane` needed
  const src = floatPlane(w, h, plane as Float32Array<ArrayBuffer>);
  const fine = gaussianBlur(src, finePx).data;
  const coarse = gaussianBlur(src, coarsePx).data;
  return [gradient2(fine, w, h), gradient2(coarse, w, h)];
}

function gradient2(src: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1, p = y * w + 1; x < w - 1; x++, p++) {
      const gx = src[p + 1] - src[p - 1];
      const gy = src[p + w] - src[p - w];
      out[p] = gx * gx + gy * gy;
    }
  }
  return out;
}
