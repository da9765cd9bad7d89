/**
 * Deterministic randomness for the synthetic generator.
 *
 * Two kinds: a sequential PRNG (`Rng`) for planting objects — the order of draws is part of
 * the scene — and stateless hashes of (seed, x, y) for anything per pixel, so that a pixel's
 * value never depends on how the image is cut into regions.
 */

/** mulberry32: tiny, fast, good enough equidistribution for planting objects. */
export class Rng {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) {
    this.state = (seed ^ 0x9e3779b9) >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** normal sample (Box–Muller, the second value kept for the next call) */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return mean + sd * s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  /** index drawn with probability proportional to weights[i] */
  pick(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}

/** 32-bit integer hash of (seed, x, y) — a lowbias32-style finaliser over mixed coordinates. */
export function hash32(seed: number, x: number, y: number): number {
  let h = (seed | 0) ^ Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Stateless uniform noise in [0, 1) at an integer lattice point: same (seed, x, y) → same value. */
export function hashNoise(seed: number, x: number, y: number): number {
  return hash32(seed, x, y) / 4294967296;
}

/**
 * Inverse normal CDF at 65536 evenly spaced probabilities, so per-pixel Gaussian noise is one
 * hash and one table read instead of a log, sqrt and cos (DESIGN.md: LUTs in pixel loops).
 */
const GAUSS_BITS = 16;
export const GAUSS_LUT: Float32Array = (() => {
  const n = 1 << GAUSS_BITS;
  const lut = new Float32Array(n);
  for (let i = 0; i < n; i++) lut[i] = inverseNormalCdf((i + 0.5) / n);
  return lut;
})();

/** The same at 1024 probabilities: three independent samples from one 32-bit hash (render noise). */
export const GAUSS_LUT_10: Float32Array = (() => {
  const lut = new Float32Array(1024);
  for (let i = 0; i < 1024; i++) lut[i] = inverseNormalCdf((i + 0.5) / 1024);
  return lut;
})();

/** Standard normal sample at an integer lattice point, stateless. */
export function hashGauss(seed: number, x: number, y: number): number {
  return GAUSS_LUT[hash32(seed, x, y) >>> (32 - GAUSS_BITS)];
}

/** Acklam's rational approximation (|error| < 1.2e-9), enough for a noise table. */
function inverseNormalCdf(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const plow = 0.02425;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - plow) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * Smooth value noise in [0, 1): lattice values from `hashNoise`, smoothstep-interpolated.
 * Coordinates are in lattice units (caller divides by the wavelength).
 */
export function valueNoise(seed: number, x: number, y: number): number {
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  const fx = x - xi;
  const fy = y - yi;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const v00 = hashNoise(seed, xi, yi);
  const v10 = hashNoise(seed, xi + 1, yi);
  const v01 = hashNoise(seed, xi, yi + 1);
  const v11 = hashNoise(seed, xi + 1, yi + 1);
  const top = v00 + (v10 - v00) * sx;
  const bottom = v01 + (v11 - v01) * sx;
  return top + (bottom - top) * sy;
}

/** Fractal sum of `octaves` value-noise layers (wavelength halves, amplitude halves), normalised to [0, 1). */
export function fbm(seed: number, x: number, y: number, octaves: number): number {
  let sum = 0;
  let amp = 1;
  let norm = 0;
  let f = 1;
  for (let o = 0; o < octaves; o++) {
    sum += amp * valueNoise(seed + o * 1013, x * f, y * f);
    norm += amp;
    amp *= 0.5;
    f *= 2;
  }
  return sum / norm;
}
