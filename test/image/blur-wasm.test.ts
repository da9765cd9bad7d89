import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { BoxGaussian } from '../../src/image/box-gaussian.js';
import { gaussianBlur } from '../../src/image/gaussian.js';
import { MinMaxFilter } from '../../src/image/min-max-filter.js';
import { floatPlane } from '../../src/image/raster.js';
import { BLUR_WASM_BASE64 } from '../../src/image/wasm/blur-wasm-bytes.js';
import { setWasmBlur } from '../../src/image/wasm/blur-wasm.js';
import { noise } from './noise.js';
import { gaussianBlurReference } from './reference/gaussian.js';
// @ts-expect-error plain-JS build script, no types
import { compileBlurWat } from '../../scripts/build-wasm.mjs';

afterAll(() => {
  setWasmBlur(true);
});

describe('the wasm SIMD blur passes', () => {
  it('are the module blur.wat compiles to (scripts/build-wasm.mjs)', async () => {
    const built: Buffer = await compileBlurWat();
    expect(built.toString('base64')).toBe(BLUR_WASM_BASE64);
    expect((await readFile(new URL('../../src/image/wasm/blur.wat', import.meta.url), 'utf8')).length).toBeGreaterThan(0);
  });

  it('run here (Node 20 has SIMD), and give the JavaScript passes\' bits at every radius, past the unrolled limit too, odd and tiny sizes', () => {
    const sizes: Array<[number, number]> = [[1, 1], [2, 9], [9, 2], [33, 34], [101, 57], [640, 31]];
    for (const sigma of [0.3, 0.5, 0.8, 1, 1.5, 2.2, 3, 4, 5.3, 8]) {
      for (const [w, h] of sizes) {
        const src = noise(w, h, w * 7919 + h * 31 + Math.round(sigma * 100));
        expect(setWasmBlur(false)).toBe(false);
        const js = gaussianBlur(floatPlane(w, h, src.slice()), sigma).data;
        expect(setWasmBlur(true)).toBe(true);
        const wasm = gaussianBlur(floatPlane(w, h, src.slice()), sigma).data;
        expect(wasm, `${w}x${h} σ ${sigma}`).toEqual(js);
        expect(wasm, `${w}x${h} σ ${sigma}`).toEqual(gaussianBlurReference(floatPlane(w, h, src.slice()), sigma).data);
      }
    }
  });

  it('run the min/max filter\'s passes (rows and columns) with the JavaScript passes\' bits: ties, signed zeros, odd widths, every radius', () => {
    const f = new MinMaxFilter();
    for (const [w, h] of [[1, 1], [3, 7], [5, 2], [37, 29], [64, 40], [130, 3]] as const) {
      // few distinct values (ties everywhere), +0 and −0 among them
      const src = Float32Array.from(noise(w, h, w * 131 + h), (v) => (v < 0.1 ? (v < 0 ? -0 : 0) : Math.round(v * 4) / 4));
      for (const r of [1, 2, 5, 16]) {
        for (const op of ['min', 'max'] as const) {
          for (const axis of ['x', 'y'] as const) {
            expect(setWasmBlur(false)).toBe(false);
            const js = new Float32Array(w * h);
            f.run(src, js, w, h, r, axis, op);
            expect(setWasmBlur(true)).toBe(true);
            const wasm = new Float32Array(w * h);
            f.run(src, wasm, w, h, r, axis, op);
            // toEqual tells −0 from +0 (Object.is)
            expect(wasm, `${w}x${h} r ${r} ${op} ${axis}`).toEqual(js);
            // in place, as opening and closing call it
            const inPlace = src.slice();
            f.run(inPlace, inPlace, w, h, r, axis, op);
            expect(inPlace, `${w}x${h} r ${r} ${op} ${axis} in place`).toEqual(js);
          }
        }
      }
    }
  });

  it('blur in place, and a larger plane after a smaller one (the memory grows)', () => {
    setWasmBlur(true);
    for (const [w, h] of [[40, 40], [700, 650], [50, 60]] as const) {
      const src = noise(w, h, w + h);
      const want = gaussianBlurReference(floatPlane(w, h, src.slice()), 2).data;
      const p = floatPlane(w, h, src.slice());
      gaussianBlur(p, 2, p);
      expect(p.data).toEqual(want);
    }
  });

  it("give the box cascade's JavaScript column passes' bits, at every box radius the nucleus smoothing meets and odd and tiny sizes", () => {
    const sizes: Array<[number, number]> = [[1, 1], [3, 8], [8, 3], [33, 34], [101, 57], [640, 31]];
    for (const sigma of [1, 1.5, 2.2, 3, 4.5, 7]) {
      for (const [w, h] of sizes) {
        const src = noise(w, h, w * 31 + h * 7 + Math.round(sigma * 10));
        const run = () => {
          const out = new Float32Array(w * h);
          new BoxGaussian().blur(src, out, w, h, sigma, new Float32Array(w * h));
          return out;
        };
        setWasmBlur(false);
        const js = run();
        expect(setWasmBlur(true)).toBe(true);
        expect(run(), `${w}x${h} σ ${sigma}`).toEqual(js);
      }
    }
  });
});
