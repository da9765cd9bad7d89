import { symmetricEigen3 } from './eigen3.js';
import type { Mat3 } from './invert.js';
import { odLuts, type I0 } from './od.js';
import { angleDeg, cross, DAB_DEFAULT, dot, HDAB_DEFAULT, HEMATOXYLIN_DEFAULT, normalize, stainMatrix, type StainMatrix, type Vec3 } from './vectors.js';

export interface MacenkoOptions {
  /** background intensity (a number, or per channel from estimateBackground) */
  i0?: I0;
  /** a pixel is used only when its mean OD over the three channels reaches this (SCIENCE.md ≈ 0.15) */
  odMin?: number;
  /** robust extremes at the alpha-th and (100 − alpha)-th percentile of the angles (Macenko's α = 1) */
  alphaPercentile?: number;
  /** fewer qualifying pixels than this and the estimate is degenerate */
  minPixels?: number;
  /** two estimated vectors closer than this (degrees) are one stain, not two */
  minAngleDeg?: number;
  /**
   * A pixel is used only when the share of its OD vector off the default hematoxylin–DAB plane
   * stays below this (|OD · n| / |OD|): pen ink is a dye off that plane, and a wide stroke of it
   * would otherwise pull a stain vector towards the ink. 1 = no pixel is left out for it.
   */
  maxOffPlane?: number;
  /** refits of the plane, each keeping pixels within half the previous share of it */
  refineSteps?: number;
  /**
   * An estimated vector further than this (degrees) from its default is not taken: that stain
   * keeps its default and `clamped` names it. Infinity = no limit.
   */
  maxDriftDeg?: number;
}

export interface MacenkoResult {
  /** the estimated matrix (source 'macenko'), or HDAB_DEFAULT when degenerate */
  matrix: StainMatrix;
  degenerate: boolean;
  /** why the estimate fell back to the defaults */
  reason?: string;
  /** pixels that passed the OD threshold */
  pixels: number;
  /** stains whose estimate lay beyond maxDriftDeg of the default and were kept at the default */
  clamped?: ('hematoxylin' | 'dab')[];
}

/**
 * Per-slide H-DAB stain vectors, Macenko et al. 2009 (SCIENCE.md):
 * OD of pixels whose MEAN channel OD reaches odMin (summed OD ≥ 3·odMin) → the plane of the two
 * largest eigenvectors of the OD covariance → each pixel's angle in that plane → the robust extreme
 * angles → two stain vectors. Which is hematoxylin is decided by closeness to the default vectors.
 * Falls back to HDAB_DEFAULT (degenerate = true) when the slide does not show two stains.
 * `rgb` is interleaved RGB samples, e.g. a thumbnail's or the tissue pixels'.
 *
 * Pixel rule: Macenko's reference code keeps pixels whose EVERY channel reaches β. That drops
 * every pure-stain pixel of a stain that absorbs weakly in one channel (a hematoxylin with little
 * blue absorbance; a DAB with little red absorbance, common in faint 1+/2+ IHC), and that stain's
 * vector is then read off mixtures and pulled towards the other stain. The mean-channel rule
 * keeps those pixels while still excluding near-glass pixels, whose direction sensor noise
 * and 8-bit rounding make unreliable.
 */
export function estimateMacenko(rgb: Uint8Array, opts: MacenkoOptions = {}): MacenkoResult {
  const odMin = opts.odMin ?? 0.15;
  const alpha = opts.alphaPercentile ?? 1;
  const minPixels = opts.minPixels ?? 500;
  const minAngle = opts.minAngleDeg ?? 5;
  if (rgb.length % 3 !== 0) throw new RangeError(`interleaved RGB needs a multiple of 3 samples, got ${rgb.length}`);
  if (!(alpha >= 0 && alpha < 50)) throw new RangeError(`alphaPercentile must lie in [0, 50), got ${alpha}`);
  const [lr, lg, lb] = odLuts(opts.i0 ?? 255);
  const sumMin = 3 * odMin;
  const maxOff = opts.maxOffPlane ?? 1;
  const [dx, dy, dz] = normalize(cross(HEMATOXYLIN_DEFAULT, DAB_DEFAULT));
  const offPlaneBelow = (r: number, g: number, b: number, n: Vec3, share: number): boolean => {
    const off = r * n[0] + g * n[1] + b * n[2];
    return off * off < share * share * (r * r + g * g + b * b);
  };
  // Ink is dropped in steps: off the default H-DAB plane by maxOffPlane (pure ink), then off the
  // plane the kept pixels span (through the origin: stains mix linearly) by half that, twice,
  // which also drops tissue under thin ink whose mixture stayed near the default plane; the
  // slide's own plane holds its drifted stains, so the tighter steps do not drop them.
  let plane: Vec3 = [dx, dy, dz];
  let share = maxOff;
  const used = (r: number, g: number, b: number): boolean => r + g + b >= sumMin && (maxOff >= 1 || offPlaneBelow(r, g, b, plane, share));
  let m = moments(rgb, lr, lg, lb, used);
  for (let step = 0; step < (opts.refineSteps ?? 2) && maxOff < 1 && m.n >= Math.max(minPixels, 3); step++) {
    plane = symmetricEigen3(m.second).vectors[2];
    share /= 2;
    m = moments(rgb, lr, lg, lb, used);
  }
  const { n } = m;
  const [s0, s1, s2] = m.sum;
  const [[s00, s01, s02], [, s11, s12], [, , s22]] = m.second.map((row) => row.map((v: number) => v * n));
  const fallback = (reason: string): MacenkoResult => ({ matrix: HDAB_DEFAULT, degenerate: true, reason, pixels: n });
  if (n < minPixels || n < 2) return fallback(`only ${n} pixels have a mean channel OD ≥ ${odMin}; at least ${minPixels} are needed`);

  const mean: Vec3 = [s0 / n, s1 / n, s2 / n];
  const cov = (sij: number, i: number, j: number) => (sij - n * mean[i] * mean[j]) / (n - 1);
  const { vectors } = symmetricEigen3([
    [cov(s00, 0, 0), cov(s01, 0, 1), cov(s02, 0, 2)],
    [cov(s01, 0, 1), cov(s11, 1, 1), cov(s12, 1, 2)],
    [cov(s02, 0, 2), cov(s12, 1, 2), cov(s22, 2, 2)],
  ]);
  // Point e1 at the data so every pixel's angle lies in (−90°, 90°) and percentiles never wrap.
  const e1: Vec3 = dot(vectors[0], mean) < 0 ? [-vectors[0][0], -vectors[0][1], -vectors[0][2]] : vectors[0];
  const e2 = vectors[1];

  // Pass 2: each qualifying pixel's angle in the (e1, e2) plane.
  const angles = new Float64Array(n);
  for (let s = 0, k = 0; s < rgb.length; s += 3) {
    const r = lr[rgb[s]], g = lg[rgb[s + 1]], b = lb[rgb[s + 2]];
    if (!used(r, g, b)) continue;
    angles[k++] = Math.atan2(r * e2[0] + g * e2[1] + b * e2[2], r * e1[0] + g * e1[1] + b * e1[2]);
  }
  angles.sort();
  const lo = percentileSorted(angles, alpha);
  const hi = percentileSorted(angles, 100 - alpha);
  const v1 = positiveStain(inPlane(e1, e2, lo));
  const v2 = positiveStain(inPlane(e1, e2, hi));
  if (!v1 || !v2) return fallback('an estimated stain vector has no positive absorbance');

  const apart = angleDeg(v1, v2);
  if (apart < minAngle) return fallback(`the two estimated stain vectors are only ${apart.toFixed(1)}° apart (< ${minAngle}°): one stain dominates`);
  const v1IsH = angleDeg(v1, HEMATOXYLIN_DEFAULT) < angleDeg(v1, DAB_DEFAULT);
  const v2IsH = angleDeg(v2, HEMATOXYLIN_DEFAULT) < angleDeg(v2, DAB_DEFAULT);
  if (v1IsH === v2IsH) return fallback(`both estimated stain vectors are closest to the default ${v1IsH ? 'hematoxylin' : 'DAB'}`);
  const [h, d] = v1IsH ? [v1, v2] : [v2, v1];
  // A vector far beyond any staining run's drift is not a stain but what the sample held besides
  // (ink on an unstained section, where Macenko takes the ink for the second stain; a fold's
  // doubled tissue tint): that stain keeps its default.
  const maxDrift = opts.maxDriftDeg ?? Infinity;
  const clamped: ('hematoxylin' | 'dab')[] = [];
  if (angleDeg(h, HEMATOXYLIN_DEFAULT) > maxDrift) clamped.push('hematoxylin');
  if (angleDeg(d, DAB_DEFAULT) > maxDrift) clamped.push('dab');
  if (clamped.length === 2) return fallback(`both estimated stain vectors lie more than ${maxDrift}° from the defaults`);
  const matrix = stainMatrix(clamped.includes('hematoxylin') ? HEMATOXYLIN_DEFAULT : h, clamped.includes('dab') ? DAB_DEFAULT : d, 'macenko');
  return { matrix, degenerate: false, pixels: n, ...(clamped.length ? { clamped } : {}) };
}

/** Count, sums and the uncentred second moments (mean of OD·ODᵀ) of the pixels `used` keeps. */
function moments(rgb: Uint8Array, lr: Float32Array, lg: Float32Array, lb: Float32Array, used: (r: number, g: number, b: number) => boolean): { n: number; sum: Vec3; second: Mat3 } {
  let n = 0;
  let s0 = 0, s1 = 0, s2 = 0, s00 = 0, s01 = 0, s02 = 0, s11 = 0, s12 = 0, s22 = 0;
  for (let s = 0; s < rgb.length; s += 3) {
    const r = lr[rgb[s]], g = lg[rgb[s + 1]], b = lb[rgb[s + 2]];
    if (!used(r, g, b)) continue;
    n++;
    s0 += r; s1 += g; s2 += b;
    s00 += r * r; s01 += r * g; s02 += r * b;
    s11 += g * g; s12 += g * b; s22 += b * b;
  }
  const k = n > 0 ? 1 / n : 0;
  return { n, sum: [s0, s1, s2], second: [[s00 * k, s01 * k, s02 * k], [s01 * k, s11 * k, s12 * k], [s02 * k, s12 * k, s22 * k]] };
}

function inPlane(e1: Vec3, e2: Vec3, phi: number): Vec3 {
  const c = Math.cos(phi), s = Math.sin(phi);
  return [c * e1[0] + s * e2[0], c * e1[1] + s * e2[1], c * e1[2] + s * e2[2]];
}

/** A stain absorbs, so its OD vector has no negative component: orient it, clip noise-level negatives. */
function positiveStain(v: Vec3): Vec3 | undefined {
  const sign = v[0] + v[1] + v[2] < 0 ? -1 : 1;
  const p: Vec3 = [Math.max(0, sign * v[0]), Math.max(0, sign * v[1]), Math.max(0, sign * v[2])];
  return p[0] + p[1] + p[2] > 0 ? normalize(p) : undefined;
}

/** Linear-interpolated percentile (numpy's default) of ascending values. */
function percentileSorted(sorted: Float64Array, pct: number): number {
  const pos = (pct / 100) * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
}
