/**
 * The planes the QC causes read, computed once per tile: summed RGB optical density, the same
 * smoothed at two scales (fine: sensor noise off, edges kept; coarse: for the focus ratio), the
 * gradient energy of each (Tenengrad), and each pixel's share of OD off the H-DAB plane.
 */
import { gaussianBlur } from '../../image/gaussian.js';
import { floatPlane, type RgbRaster } from '../../image/raster.js';
import { deconvolveInto } from '../../stain/deconvolve.js';
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
  /**
   * pixel q's OD per channel into `out` (R, G, B), as the OD plane was made: what the bubble walls
   * read, only where the OD is high, so no per-channel planes are kept for them
   */
  channelsInto: (q: number, out: Float64Array) => void;
  /** unit normal of the H-DAB plane (offPlaneShare) */
  planeNormal: readonly [number, number, number];
  /**
   * the off-plane share of the OD averaged over square bins of `inkBin` px (pen ink is off the
   * plane everywhere, pixel noise is not), bins from the raster's origin, `inkCols` across; all 0
   * when offPlanePx is null
   */
  inkOffPlane: Float32Array;
  inkBin: number;
  inkCols: number;
}

/**
 * Buffers qcPlanes writes into, kept between tiles (one holder per thread): a tile's QC otherwise
 * allocated fourteen full-size planes, and their zeroing and collection cost more than some of
 * the filters. Planes from a holder are valid until its next qcPlanes call.
 */
export class QcPlaneScratch {
  private n = 0;
  private readonly planes = new Map<string, Float32Array<ArrayBuffer>>();

  /** the named buffer, `n` long (contents undefined) */
  get(name: string, n: number): Float32Array<ArrayBuffer> {
    if (n > this.n) {
      this.planes.clear();
      this.n = n;
    }
    let b = this.planes.get(name);
    if (!b) this.planes.set(name, (b = new Float32Array(this.n)));
    return b.subarray(0, n);
  }
}

/**
 * focusPlane: the plane whose gradient energies the focus ratio reads — summed OD, hematoxylin
 * alone (nuclei and fibre borders carry the edges; a diffuse DAB patch, IL-1 fibre staining, is
 * smooth at any focus and on summed OD read as blurred), or both (a block is blurred only when
 * both read blurred: a blurred field blurs its nuclei too, a DAB patch leaves them sharp).
 * `scratch`: where the planes are written (fresh buffers when absent). `light`: log10 S per pixel
 * of an uneven illumination (OD is then read against I0·S). `stains`: the raster deconvolved as
 * qcPlanes would (the tile processor's own planes, cropped), so it is not done twice.
 */
export function qcPlanes(rgb: RgbRaster, i0: I0, stain: StainMatrix, finePx: number, coarsePx: number, focusPlane: FocusPlane = 'od', offPlanePx: number | null = 0, scratch?: QcPlaneScratch, light?: Float32Array, stains?: QcStainPlanes): QcPlanes {
  const { width: w, height: h, data } = rgb;
  if (rgb.channels !== 3) throw new RangeError(`QC needs an RGB raster (3 channels), got ${rgb.channels}`);
  const n = w * h;
  if (light && light.length < n) throw new RangeError(`QC illumination plane holds ${light.length} values, needs ${n}`);
  const buf = (name: string): Float32Array<ArrayBuffer> => (scratch ? scratch.get(name, n) : new Float32Array(n));
  const blur = (name: string, src: Float32Array<ArrayBuffer>, sigmaPx: number): Float32Array => gaussianBlur(floatPlane(w, h, src), sigmaPx, floatPlane(w, h, buf(name)), buf('blur')).data;
  const [lr, lg, lb] = odLuts(i0);
  const [nx, ny, nz] = normalize(cross(stain.hematoxylin, stain.dab));
  const offPlaneShare = (r: number, g: number, b: number): number => offPlaneShareOf(r, g, b, nx, ny, nz);
  const od = buf('od');
  const channelsInto = (q: number, o: Float64Array): void => {
    const s = q * 3;
    const l = light ? light[q] : 0;
    o[0] = light ? Math.max(0, lr[data[s]] + l) : lr[data[s]];
    o[1] = light ? Math.max(0, lg[data[s + 1]] + l) : lg[data[s + 1]];
    o[2] = light ? Math.max(0, lb[data[s + 2]] + l) : lb[data[s + 2]];
  };
  // the off-plane share of the locally averaged OD: sensor and JPEG noise on pale sarcoplasm
  // (summed OD ~0.3) throws single pixels off the plane, while an ink stroke is off it everywhere
  // ... on bins with the noise averaging of a Gaussian of σ offPlanePx (a box of b² pixels
  // averages as many as the Gaussian's 4πσ²): a third of the cost of three blurred channel planes
  const binned = offPlanePx !== null;
  const inkBin = binned ? Math.max(1, Math.round(2 * Math.sqrt(Math.PI) * offPlanePx)) : 1;
  const inkCols = Math.ceil(w / inkBin);
  const inkOffPlane = buf('inkOffPlane').subarray(0, inkCols * Math.ceil(h / inkBin));
  if (!binned) inkOffPlane.fill(0);
  // one row of bins summed at a time, in the OD pass (float32 channel values and sums, as the
  // bins were first tuned on float32 channel planes)
  const sr = new Float32Array(inkCols);
  const sg = new Float32Array(inkCols);
  const sb = new Float32Array(inkCols);
  // OD against I0·S where the light is uneven (log10 S added per channel, as the tile deconvolves)
  // (channelsInto's values, inlined: this pass reads every pixel of every tile)
  for (let y = 0, p = 0; y < h; y++) {
    for (let x = 0, c = 0, inBin = 0; x < w; x++, p++) {
      const s = p * 3;
      let r = lr[data[s]];
      let g = lg[data[s + 1]];
      let b = lb[data[s + 2]];
      if (light) {
        const l = light[p];
        r = Math.max(0, r + l);
        g = Math.max(0, g + l);
        b = Math.max(0, b + l);
      }
      od[p] = r + g + b;
      if (!binned) continue;
      sr[c] += Math.fround(r);
      sg[c] += Math.fround(g);
      sb[c] += Math.fround(b);
      if (++inBin === inkBin) {
        inBin = 0;
        c++;
      }
    }
    if (binned && ((y + 1) % inkBin === 0 || y === h - 1)) {
      // the share is scale-free: sums stand for means, partial edge bins included
      const row = ((y / inkBin) | 0) * inkCols;
      for (let c = 0; c < inkCols; c++) inkOffPlane[row + c] = offPlaneShare(sr[c], sg[c], sb[c]);
      sr.fill(0);
      sg.fill(0);
      sb.fill(0);
    }
  }
  const smooth = blur('smooth', od, finePx);
  const hema = stains?.hematoxylin ?? buf('hema');
  const dab = stains?.dab ?? buf('dab');
  if (!stains) deconvolveInto(rgb, stain, i0, { hematoxylin: hema, dab }, light);
  const energies = (plane: Float32Array<ArrayBuffer>, tag: string): [Float32Array, Float32Array] => [
    gradient2(blur(`${tag}Fine`, plane, finePx), w, h, buf(`${tag}Fine2`)),
    gradient2(blur(`${tag}Coarse`, plane, coarsePx), w, h, buf(`${tag}Coarse2`)),
  ];
  const [fine2, coarse2] = focusPlane === 'hematoxylin' ? energies(hema, 'h') : [gradient2(smooth, w, h, buf('fine2')), gradient2(blur('coarse', od, coarsePx), w, h, buf('coarse2'))];
  const out: QcPlanes = { width: w, height: h, od, smooth, hema, dab, fine2, coarse2, channelsInto, planeNormal: [nx, ny, nz], inkOffPlane, inkBin, inkCols };
  if (focusPlane === 'both') [out.hFine2, out.hCoarse2] = energies(hema, 'h');
  return out;
}

/** |OD · n| / |OD|, n the unit normal of the H-DAB plane: 0 for any mixture of the two stains */
export function offPlaneShareOf(r: number, g: number, b: number, nx: number, ny: number, nz: number): number {
  const norm = Math.sqrt(r * r + g * g + b * b);
  return norm > 0 ? Math.abs(r * nx + g * ny + b * nz) / norm : 0;
}

/** smallest channel OD over the largest: 1 for a neutral grey absorber */
export function neutralityOf(r: number, g: number, b: number): number {
  const mx = Math.max(r, g, b);
  return mx > 0 ? Math.min(r, g, b) / mx : 0;
}

export type FocusPlane = 'od' | 'hematoxylin' | 'both';

/** the raster's deconvolution with the same vectors, I0 and light, where the caller already has it */
export interface QcStainPlanes {
  hematoxylin: Float32Array<ArrayBuffer>;
  dab: Float32Array<ArrayBuffer>;
}

/** Squared central-difference gradient into `out` (border pixels 0). */
function gradient2(src: Float32Array, w: number, h: number, out: Float32Array): Float32Array {
  out.fill(0, 0, w);
  out.fill(0, (h - 1) * w, h * w);
  for (let y = 1; y < h - 1; y++) {
    out[y * w] = 0;
    out[y * w + w - 1] = 0;
    for (let x = 1, p = y * w + 1; x < w - 1; x++, p++) {
      const gx = src[p + 1] - src[p - 1];
      const gy = src[p + w] - src[p - w];
      out[p] = gx * gx + gy * gy;
    }
  }
  return out;
}

