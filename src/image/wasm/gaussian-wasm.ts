/**
 * The blur passes' interiors in WebAssembly SIMD (gaussian.wat), for src/image/gaussian.ts: one
 * instance per thread, its memory holding the source, the intermediate and the output planes and
 * the taps (grown to the largest plane the thread has blurred, and kept). Absent where the
 * runtime has no SIMD, or when BIOPSY_QUANT_NO_WASM is set; the JavaScript passes give the same
 * bits.
 */
import { GAUSSIAN_WASM_BASE64 } from './gaussian-wasm-bytes.js';

interface Exports {
  memory: WebAssembly.Memory;
  rows(s: number, t: number, w: number, h: number, k: number, r: number): void;
  columns(t: number, d: number, w: number, h: number, k: number, r: number): void;
}

/** planes larger than this many pixels are blurred in JavaScript (wasm memory is kept once grown) */
export const WASM_MAX_PIXELS = 16 << 20;

let instance: Exports | null | undefined;

function load(): Exports | null {
  if (process.env.BIOPSY_QUANT_NO_WASM) return null;
  try {
    const bytes = Buffer.from(GAUSSIAN_WASM_BASE64, 'base64');
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

export function wasmBlurPlanes(n: number, taps: Float32Array): WasmBlurPlanes | null {
  if (instance === undefined) instance = load();
  const ex = instance;
  if (!ex || n > WASM_MAX_PIXELS) return null;
  const bytes = (2 * n + taps.length) * 4;
  const have = ex.memory.buffer.byteLength;
  if (have < bytes) ex.memory.grow(Math.ceil((bytes - have) / 65536));
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
