/**
 * Optics shared by the clean and the realistic render paths: a truncated Gaussian kernel, the
 * horizontal blur pass and 8-bit quantisation.
 */

export function gaussianKernel(sigma: number, radius: number): Float64Array {
  const k = new Float64Array(2 * radius + 1);
  if (radius === 0) {
    k[0] = 1;
    return k;
  }
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    k[i + radius] = Math.exp((-i * i) / (2 * sigma * sigma));
    sum += k[i + radius];
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/**
 * Horizontal pass over the full padded rows; columns within `radius` of the edge are never read
 * back. `only` limits it to the rows flagged in `rows` and the columns x0..x1 (inclusive).
 */
export function blurRows(src: Float32Array, dst: Float32Array, W: number, H: number, k: Float64Array, only?: { rows: Uint8Array; x0: number; x1: number }): void {
  const r = (k.length - 1) / 2;
  if (!only) {
    unrolledRows(k.length)(src, dst, W, H, k);
    return;
  }
  const xa = only ? Math.max(r, only.x0) : r;
  const xb = only ? Math.min(W - r - 1, only.x1) : W - r - 1;
  for (let y = 0; y < H; y++) {
    if (only && !only.rows[y]) continue;
    const row = y * W;
    for (let x = xa; x <= xb; x++) {
      let acc = 0;
      const base = row + x - r;
      for (let i = 0; i < k.length; i++) acc += k[i] * src[base + i];
      dst[row + x] = acc;
    }
  }
}

export function quantise(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
}

type RowsPass = (src: Float32Array, dst: Float32Array, W: number, H: number, k: Float64Array) => void;
type ColumnSum = (s: Float32Array, a: Float64Array, k: Float64Array, W: number, off: number, w: number) => void;
const rowPasses = new Map<number, RowsPass>();
const columnSums = new Map<number, ColumnSum>();

/** A function of `params` whose body `body` writes out for `len` taps (k0 … in locals), built once per length. */
function unrolled<F>(cache: Map<number, F>, len: number, params: string[], body: (taps: number[]) => string): F {
  let f = cache.get(len);
  if (!f) {
    const taps = Array.from({ length: len }, (_, i) => i);
    f = new Function(...params, `${taps.map((i) => `const k${i} = k[${i}];`).join(' ')}\n${body(taps)}`) as F;
    cache.set(len, f);
  }
  return f;
}

/**
 * blurRows without `only`, its tap loop written out for `len` taps with the taps in locals: the
 * same additions in the same order (acc from 0, tap 0 first), so the same bits, at ~half the time
 * (V8 does not unroll a loop of unknown count). test/synthetic/optics.test.ts compares the two.
 */
function unrolledRows(len: number): RowsPass {
  const r = (len - 1) / 2;
  return unrolled(rowPasses, len, ['src', 'dst', 'W', 'H', 'k'], (taps) => `
    for (let y = 0; y < H; y++) {
      const row = y * W;
      for (let x = ${r}; x <= W - ${r + 1}; x++) {
        const b = row + x - ${r};
        let acc = 0;
        ${taps.map((i) => `acc += k${i} * src[b + ${i}];`).join(' ')}
        dst[row + x] = acc;
      }
    }`);
}

/**
 * a[x] ← Σ_i k[i] · s[off + i·W + x] for x < w, the taps summed from 0 in order i = 0, 1, … — as
 * a tap-by-tap accumulation into a zeroed float64 row adds them — written out for `len` taps.
 * The vertical pass of both render paths (render.ts, realism/render-realistic.ts).
 */
export function columnSum(len: number): ColumnSum {
  return unrolled(columnSums, len, ['s', 'a', 'k', 'W', 'off', 'w'], (taps) => `
    for (let x = 0; x < w; x++) {
      const b = off + x;
      let acc = 0;
      ${taps.map((i) => `acc += k${i} * s[b + ${i} * W];`).join(' ')}
      a[x] = acc;
    }`);
}
