import { floatPlane, type FloatPlane } from './raster.js';
import { wasmBlurPlanes } from './wasm/blur-wasm.js';

/** Normalised 1-D Gaussian taps, radius ceil(3σ) (99.7% of the mass). */
export function gaussianKernel(sigmaPx: number): Float32Array {
  if (!(sigmaPx > 0)) return Float32Array.of(1);
  const r = Math.max(1, Math.ceil(3 * sigmaPx));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp((-i * i) / (2 * sigmaPx * sigmaPx));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Reflect (mirror without repeating the edge sample: -1 → 1, n → n-2), valid for |i| < 2n. */
export function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  let j = i;
  while (j < 0 || j >= n) j = j < 0 ? -j : 2 * n - 2 - j;
  return j;
}

/**
 * Separable Gaussian blur with reflected borders. `out` may be the source itself; `scratch`
 * (width·height floats) is reused across calls when given so tiles allocate nothing.
 */
export function gaussianBlur(src: FloatPlane, sigmaPx: number, out?: FloatPlane, scratch?: Float32Array): FloatPlane {
  const { width: w, height: h } = src;
  const n = w * h;
  const dst = out ?? floatPlane(w, h);
  if (dst.width !== w || dst.height !== h) throw new RangeError(`blur output ${dst.width}x${dst.height} differs from source ${w}x${h}`);
  const k = gaussianKernel(sigmaPx);
  const r = (k.length - 1) >> 1;
  if (r === 0) {
    if (dst.data !== src.data) dst.data.set(src.data);
    return dst;
  }
  // the interiors in wasm SIMD where the thread has it, at any radius (issue 13: 2.4–4.4× the passes below, same bits)
  const wasm = wasmBlurPlanes(n, k);
  if (wasm) {
    wasm.src.set(src.data.length === n ? src.data : src.data.subarray(0, n));
    horizontalBorders(wasm.src, wasm.tmp, w, h, k, r);
    wasm.run(w, h, r);
    verticalBorders(wasm.tmp, wasm.src, w, h, k, r, true);
    dst.data.set(wasm.src);
    return dst;
  }
  const tmp = scratch && scratch.length >= n ? scratch : new Float32Array(n);
  const s = src.data;
  const d = dst.data;

  horizontal(s, tmp, w, h, k, r);
  verticalInto(tmp, d, w, h, k, r);
  return dst;
}

type Pass = (src: Float32Array, dst: Float32Array, w: number, h: number, k: Float32Array) => void;

/** The interior of both passes, unrolled for one radius (built once per radius up to UNROLL_MAX). */
interface UnrolledPasses {
  /** columns r … w − r − 1 of every row */
  rows: Pass;
  /** rows r … h − r − 1, every column */
  columns: Pass;
}

const UNROLL_MAX = 16;
const SWEEP_TAPS = 3;
const unrolled = new Map<number, UnrolledPasses>();

/**
 * Straight-line interiors for radius r: V8 does not unroll the tap loop, and with the taps in
 * locals and one sweep per row a blur runs at about half the time. The additions are the loop's,
 * in its order (horizontal: one double accumulator; vertical: each tap's sum rounded to float32,
 * as when every tap is added into the float32 output in its own sweep), so the bits are the same:
 * test/image/gaussian-fast.test.ts compares them with the one-tap-per-sweep blur.
 */
function unrolledPasses(r: number): UnrolledPasses {
  let p = unrolled.get(r);
  if (p) return p;
  const taps = Array.from({ length: r + 1 }, (_, t) => t);
  const consts = taps.map((t) => `const k${t} = k[${r + t}];`).join(' ');
  const hSum = taps.slice(1).map((t) => `acc += k${t} * (s[c - ${t}] + s[c + ${t}]);`).join(' ');
  const rows = new Function('s', 'tmp', 'w', 'h', 'k', `${consts}
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let c = row + ${r}, end = row + w - ${r}; c < end; c++) { let acc = k0 * s[c]; ${hSum} tmp[c] = acc; }
    }`) as Pass;
  // up to SWEEP_TAPS taps per sweep: with more row streams at once a sweep runs slower than two (measured σ 1–5 px)
  const sweeps: number[][] = [];
  for (let t = 1; t <= r; t += SWEEP_TAPS) sweeps.push(taps.slice(t, Math.min(r, t + SWEEP_TAPS - 1) + 1));
  const sweepCode = sweeps
    .map((group, i) => {
      const offsets = group.map((t) => `const a${t} = row - ${t} * w, b${t} = row + ${t} * w;`).join(' ');
      const sum = group
        .map((t, j) => (j < group.length - 1 ? `acc = Math.fround(acc + k${t} * (tmp[a${t} + x] + tmp[b${t} + x]));` : `d[row + x] = acc + k${t} * (tmp[a${t} + x] + tmp[b${t} + x]);`))
        .join(' ');
      const start = i === 0 ? 'Math.fround(k0 * tmp[row + x])' : 'd[row + x]';
      return `{ ${offsets} for (let x = 0; x < w; x++) { let acc = ${start}; ${sum} } }`;
    })
    .join('\n');
  const columns = new Function('tmp', 'd', 'w', 'h', 'k', `${consts}
    for (let y = ${r}; y < h - ${r}; y++) {
      const row = y * w;
      ${sweepCode}
    }`) as Pass;
  p = { rows, columns };
  unrolled.set(r, p);
  return p;
}

/**
 * Horizontal pass into tmp, symmetric taps folded (r + 1 multiplies); border columns take the
 * reflected path, the interior has no branch.
 */
function horizontal(s: Float32Array, tmp: Float32Array, w: number, h: number, k: Float32Array, r: number): void {
  horizontalBorders(s, tmp, w, h, k, r);
  if (r <= UNROLL_MAX) {
    unrolledPasses(r).rows(s, tmp, w, h, k);
    return;
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let c = row + r, end = row + w - r; c < end; c++) {
      let acc = k[r] * s[c];
      for (let t = 1; t <= r; t++) acc += k[r + t] * (s[c - t] + s[c + t]);
      tmp[c] = acc;
    }
  }
}

/** The border columns of the horizontal pass (reflected); every column when the row is too short for an interior. */
function horizontalBorders(s: Float32Array, tmp: Float32Array, w: number, h: number, k: Float32Array, r: number): void {
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (x === r && w - r > r) x = w - r; // interior done apart
      let acc = 0;
      for (let t = -r; t <= r; t++) acc += k[t + r] * s[row + reflect(x + t, w)];
      tmp[row + x] = acc;
    }
  }
}

/**
 * Vertical pass a row at a time (memory read in order). The output is float32 and each tap's sum
 * is rounded to it, as when every tap is added into the output row in its own sweep.
 */
function verticalInto(tmp: Float32Array, d: Float32Array, w: number, h: number, k: Float32Array, r: number): void {
  const fast = r <= UNROLL_MAX;
  if (fast) unrolledPasses(r).columns(tmp, d, w, h, k);
  verticalBorders(tmp, d, w, h, k, r, fast);
}

/** The vertical pass's rows outside r … h − r − 1 (reflected), or every row when `interiorDone` is false. */
function verticalBorders(tmp: Float32Array, d: Float32Array, w: number, h: number, k: Float32Array, r: number, interiorDone: boolean): void {
  const k0 = k[r];
  for (let y = 0; y < h; y++) {
    if (interiorDone && y >= r && y < h - r) continue; // done apart
    const row = y * w;
    for (let x = 0; x < w; x++) d[row + x] = k0 * tmp[row + x];
    for (let t = 1; t <= r; t++) {
      const a = reflect(y - t, h) * w;
      const b = reflect(y + t, h) * w;
      const kt = k[r + t];
      for (let x = 0; x < w; x++) d[row + x] += kt * (tmp[a + x] + tmp[b + x]);
    }
  }
}

/** A window of a plane, with where it lies in the plane. */
export type PlaneWindow = FloatPlane & { x0: number; y0: number };

/**
 * gaussianBlur(src, sigmaPx) over the window [x0, x1) × [y0, y1) of the plane alone, bit for
 * bit: the window grown by the kernel's radius (clipped to the plane) is blurred, so every tap of
 * a window pixel reads what it reads in the whole plane's blur, and the plane's own edges reflect
 * alike. For a few small windows of a large plane (the wall rings round vessel lumens).
 */
export function gaussianBlurWindow(src: Pick<FloatPlane, 'width' | 'height'> & { data: Float32Array }, sigmaPx: number, x0: number, y0: number, x1: number, y1: number): PlaneWindow {
  const { width: w, height: h } = src;
  const wx0 = Math.max(0, Math.floor(x0)), wy0 = Math.max(0, Math.floor(y0));
  const wx1 = Math.min(w, Math.ceil(x1)), wy1 = Math.min(h, Math.ceil(y1));
  const ww = Math.max(0, wx1 - wx0), wh = Math.max(0, wy1 - wy0);
  const r = (gaussianKernel(sigmaPx).length - 1) >> 1;
  const cx0 = Math.max(0, wx0 - r), cy0 = Math.max(0, wy0 - r);
  const cw = Math.max(0, Math.min(w, wx1 + r) - cx0), ch = Math.max(0, Math.min(h, wy1 + r) - cy0);
  const crop = new Float32Array(cw * ch);
  for (let y = 0; y < ch; y++) crop.set(src.data.subarray((cy0 + y) * w + cx0, (cy0 + y) * w + cx0 + cw), y * cw);
  const blurred = ww > 0 && wh > 0 ? gaussianBlur(floatPlane(cw, ch, crop), sigmaPx, floatPlane(cw, ch, crop)).data : crop;
  const out = new Float32Array(ww * wh);
  for (let y = 0; y < wh; y++) out.set(blurred.subarray((wy0 - cy0 + y) * cw + wx0 - cx0, (wy0 - cy0 + y) * cw + wx0 - cx0 + ww), y * ww);
  return { width: ww, height: wh, channels: 1, data: out, x0: wx0, y0: wy0 };
}
