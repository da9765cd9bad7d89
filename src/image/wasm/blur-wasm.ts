/**
 * Blur kernels in WebAssembly SIMD (blur.wat), for src/image/gaussian.ts and box-gaussian.ts: one
 * instance per thread, its memory holding a blur's planes (grown to the largest the thread has
 * blurred, and kept). Absent where the runtime has no SIMD, or when BIOPSY_QUANT_NO_WASM is set;
 * the JavaScript passes give the same bits.
 */
import { BLUR_WASM_BASE64 } from './blur-wasm-bytes.js';

interface Exports {
  memory: WebAssembly.Memory;
  rows(s: number, t: number, w: number, h: number, k: number, r: number): void;
  columns(t: number, d: number, w: number, h: number, k: number, r: number): void;
  boxColumns(src: number, dst: number, acc: number, tab: number, w: number, h: number, r: number, alpha: number, inv: number): void;
  mmRow(d: number, a: number, b: number, n: number, max: number): void;
}

/** planes larger than this many pixels are blurred in JavaScript (wasm memory is kept once grown) */
export const WASM_MAX_PIXELS = 16 << 20;

let instance: Exports | null | undefined;

function load(): Exports | null {
  if (process.env.BIOPSY_QUANT_NO_WASM) return null;
  try {
    const bytes = Buffer.from(BLUR_WASM_BASE64, 'base64');
    if (!WebAssembly.validate(bytes)) return null;
    return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports;
  } catch {
    return null;
  }
}

/** Whether this thread blurs with wasm (tests compare both paths); `enabled` false forces JavaScript. */
export function setWasmBlur(enabled: boolean): boolean {
  instance = enabled ? load() : null;
  return instance !== null;
}

/** Views of the thread's wasm planes for a w×h blur with `taps`, or null where there is no wasm. */
export interface WasmBlurPlanes {
  /** the source and, after the vertical pass, the output (the source is spent by then) */
  src: Float32Array;
  tmp: Float32Array;
  run(w: number, h: number, r: number): void;
}

/** The thread's instance with at least `bytes` of memory, or null where there is no wasm or the plane is too large. */
function withMemory(n: number, bytes: number): Exports | null {
  if (instance === undefined) instance = load();
  const ex = instance;
  if (!ex || n > WASM_MAX_PIXELS) return null;
  const have = ex.memory.buffer.byteLength;
  if (have < bytes) {
    try {
      ex.memory.grow(Math.ceil((bytes - have) / 65536));
    } catch {
      // no room for the planes here: the JavaScript passes need none
      return null;
    }
  }
  return ex;
}

export function wasmBlurPlanes(n: number, taps: Float32Array): WasmBlurPlanes | null {
  const ex = withMemory(n, (2 * n + taps.length) * 4);
  if (!ex) return null;
  const f = new Float32Array(ex.memory.buffer);
  f.set(taps, 2 * n);
  const src = f.subarray(0, n);
  const tmp = f.subarray(n, 2 * n);
  return {
    src,
    tmp,
    run: (w, h, r) => {
      ex.rows(0, n * 4, w, h, 2 * n * 4, r);
      // the output over the spent source
      ex.columns(n * 4, 0, w, h, 2 * n * 4, r);
    },
  };
}

/** The box cascade's planes in the thread's wasm memory: its row passes write `p`, the three column passes run p → q → p → q. */
export interface WasmBoxPlanes {
  p: Float32Array;
  q: Float32Array;
  /** the three column passes (src/image/box-gaussian.ts: one box down the columns each); the result is in q */
  columns(alpha: number, inv: number): void;
}

/**
 * `rowsAt(i)`: the reflected row of i (box-gaussian's border rule), for the running sums' first
 * 2r + 1 rows and each output row's rows r + 1 above, r + 1 below and r above.
 */
export function wasmBoxPlanes(w: number, h: number, r: number, rowsAt: (i: number) => number): WasmBoxPlanes | null {
  const n = w * h;
  const tabInts = 2 * r + 1 + 3 * h;
  const ex = withMemory(n, 8 * n + 8 * w + 4 * tabInts);
  if (!ex) return null;
  const buf = ex.memory.buffer;
  const P = 0;
  const Q = 4 * n;
  const ACC = 8 * n;
  const TAB = 8 * n + 8 * w;
  const tab = new Int32Array(buf, TAB, tabInts);
  let t = 0;
  for (let i = -r; i <= r; i++) tab[t++] = rowsAt(i) * w;
  for (let y = 0; y < h; y++) {
    tab[t++] = rowsAt(y - r - 1) * w;
    tab[t++] = rowsAt(y + r + 1) * w;
    tab[t++] = rowsAt(y - r) * w;
  }
  return {
    p: new Float32Array(buf, P, n),
    q: new Float32Array(buf, Q, n),
    columns: (alpha, inv) => {
      ex.boxColumns(P, Q, ACC, TAB, w, h, r, alpha, inv);
      ex.boxColumns(Q, P, ACC, TAB, w, h, r, alpha, inv);
      ex.boxColumns(P, Q, ACC, TAB, w, h, r, alpha, inv);
    },
  };
}

/** The thread's wasm memory as floats, and the row min/max over it (offsets in floats). */
export interface WasmMinMax {
  f: Float32Array;
  /** f[d + i] = pmin(f[a + i], f[b + i]), or pmax with `max`, for i < n (min-max-filter.ts's ternaries) */
  row(d: number, a: number, b: number, n: number, max: boolean): void;
}

/** `floats` of the thread's wasm memory for a min/max column pass over n pixels, or null where there is no wasm or the plane is too large. */
export function wasmMinMax(n: number, floats: number): WasmMinMax | null {
  const ex = withMemory(n, floats * 4);
  if (!ex) return null;
  return { f: new Float32Array(ex.memory.buffer, 0, floats), row: (d, a, b, count, max) => ex.mmRow(4 * d, 4 * a, 4 * b, count, max ? 1 : 0) };
}

