import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../src/errors/index.js';
import { rgbRaster } from '../../src/image/raster.js';
import { deconvolve, deconvolveInto, deconvolveOd } from '../../src/stain/deconvolve.js';
import { invert3 } from '../../src/stain/invert.js';
import { odOf, summedOd } from '../../src/stain/od.js';
import { HDAB_DEFAULT, stainMatrix, type StainMatrix } from '../../src/stain/vectors.js';
import { beerLambert } from './beer-lambert.js';

interface Planted { h: number; dab: number; rgb: [number, number, number] }

/** Every (H, DAB) on a 0.02 grid over 0–1 whose darkest channel stays at or above `minI`. */
function grid(m: StainMatrix, i0: number | [number, number, number], minI: number): Planted[] {
  const out: Planted[] = [];
  for (let hi = 0; hi <= 50; hi++) {
    for (let di = 0; di <= 50; di++) {
      const h = hi / 50, dab = di / 50;
      const rgb = beerLambert({ h, dab }, m, i0);
      if (Math.min(...rgb) >= minI) out.push({ h, dab, rgb });
    }
  }
  return out;
}

function quantise(points: Planted[]) {
  const r = rgbRaster(points.length, 1);
  points.forEach((p, i) => p.rgb.forEach((v, k) => (r.data[i * 3 + k] = Math.round(v))));
  return r;
}

/**
 * Worst-case effect of 8-bit rounding on concentration j: each channel's intensity moves by ≤ 0.5,
 * i.e. its OD by ≤ log10(I/(I−0.5)), and that spreads through column j of M⁻¹.
 */
function quantisationBound(m: StainMatrix, rgb: [number, number, number], j: number): number {
  const inv = invert3([m.hematoxylin, m.dab, m.residual]);
  return rgb.reduce((acc, i, k) => acc + Math.abs(inv[k][j]) * Math.log10(i / (i - 0.5)), 0);
}

describe('Ruifrok deconvolution', () => {
  it('recovers planted H and DAB from 8-bit pixels within the rounding bound, and within 0.01 OD where no channel is below 40', () => {
    const m = HDAB_DEFAULT;
    const points = grid(m, 255, 15);
    expect(points.length).toBeGreaterThan(2000);
    const { hematoxylin, dab } = deconvolve(quantise(points), m);
    let maxAll = 0, maxLight = 0, light = 0;
    points.forEach((p, i) => {
      const eh = Math.abs(hematoxylin.data[i] - p.h);
      const ed = Math.abs(dab.data[i] - p.dab);
      // 1e-5: Float32 LUT and output rounding
      expect(eh).toBeLessThanOrEqual(quantisationBound(m, p.rgb, 0) + 1e-5);
      expect(ed).toBeLessThanOrEqual(quantisationBound(m, p.rgb, 1) + 1e-5);
      maxAll = Math.max(maxAll, eh, ed);
      // the ≥ 40 region holds every mix with H + DAB ≤ 1 OD, pure H 0–1 and pure DAB 0–1 included
      if (p.h + p.dab <= 1) expect(Math.min(...p.rgb)).toBeGreaterThanOrEqual(40);
      if (Math.min(...p.rgb) >= 40) {
        light++;
        maxLight = Math.max(maxLight, eh, ed);
        expect(eh).toBeLessThanOrEqual(0.01);
        expect(ed).toBeLessThanOrEqual(0.01);
      }
    });
    console.log(`8-bit deconvolution: ${points.length} grid points (darkest channel ≥ 15): max |error| ${maxAll.toFixed(4)} OD; ${light} with darkest channel ≥ 40: max ${maxLight.toFixed(4)} OD`);
  });

  it('is exact on the float path (no 8-bit rounding)', () => {
    const m = stainMatrix([0.7, 0.65, 0.3], [0.3, 0.55, 0.78]);
    for (const c of [{ h: 0, dab: 0, res: 0 }, { h: 0.83, dab: 0.12, res: 0 }, { h: 0.05, dab: 1.4, res: 0.02 }, { h: 1.7, dab: 0.9, res: -0.03 }]) {
      const rgb = beerLambert(c, m, 255);
      const got = deconvolveOd([odOf(rgb[0]), odOf(rgb[1]), odOf(rgb[2])], m);
      expect(got.h).toBeCloseTo(c.h, 10);
      expect(got.dab).toBeCloseTo(c.dab, 10);
      expect(got.res).toBeCloseTo(c.res, 10);
    }
  });

  it('uses a per-channel background: tinted glass reads as zero stain only with the right I0', () => {
    const i0: [number, number, number] = [236, 228, 242];
    const points = grid(HDAB_DEFAULT, i0, 40);
    const raster = quantise(points);
    const tinted = deconvolve(raster, HDAB_DEFAULT, i0);
    const white = deconvolve(raster, HDAB_DEFAULT);
    let maxErr = 0;
    points.forEach((p, i) => {
      maxErr = Math.max(maxErr, Math.abs(tinted.hematoxylin.data[i] - p.h), Math.abs(tinted.dab.data[i] - p.dab));
    });
    expect(maxErr).toBeLessThanOrEqual(0.01);
    // the glass pixel (h = dab = 0) is point 0; against I0 = 255 it looks stained
    expect(points[0].h + points[0].dab).toBe(0);
    expect(Math.abs(tinted.hematoxylin.data[0])).toBeLessThan(0.005);
    expect(white.hematoxylin.data[0]).toBeGreaterThan(0.02);
  });

  it('deconvolveInto fills reused buffers like deconvolve, and skips the residual when not asked', () => {
    const raster = quantise(grid(HDAB_DEFAULT, 255, 15));
    const n = raster.width;
    const ref = deconvolve(raster, HDAB_DEFAULT, 250);
    const big = { hematoxylin: new Float32Array(n + 10).fill(9), dab: new Float32Array(n + 10).fill(9) };
    deconvolveInto(raster, HDAB_DEFAULT, 250, big);
    expect(Array.from(big.hematoxylin.subarray(0, n))).toEqual(Array.from(ref.hematoxylin.data));
    expect(Array.from(big.dab.subarray(0, n))).toEqual(Array.from(ref.dab.data));
    expect(big.dab[n]).toBe(9);
    const short = { hematoxylin: new Float32Array(n), dab: new Float32Array(n - 1) };
    expect(() => deconvolveInto(raster, HDAB_DEFAULT, 255, short)).toThrow(/'dab' holds/);
  });

  it('gives the summed OD of summedOd bit for bit in the same pass, with and without uneven light, and the same concentrations', () => {
    const raster = quantise(grid(HDAB_DEFAULT, 255, 15));
    const n = raster.width * raster.height;
    const light = Float32Array.from({ length: n }, (_, i) => 0.03 * Math.sin(i * 0.7) - 0.01);
    for (const l of [undefined, light]) {
      const plain = { hematoxylin: new Float32Array(n), dab: new Float32Array(n) };
      deconvolveInto(raster, HDAB_DEFAULT, 248, plain, l);
      for (const residual of [undefined, new Float32Array(n)]) {
        const withSum = { hematoxylin: new Float32Array(n), dab: new Float32Array(n), summed: new Float32Array(n), ...(residual ? { residual } : {}) };
        deconvolveInto(raster, HDAB_DEFAULT, 248, withSum, l);
        expect(Array.from(withSum.summed)).toEqual(Array.from(summedOd(raster.data, n, 248, l)));
        expect(Array.from(withSum.hematoxylin)).toEqual(Array.from(plain.hematoxylin));
        expect(Array.from(withSum.dab)).toEqual(Array.from(plain.dab));
      }
    }
  });

  it('refuses a matrix whose stains cannot be told apart', () => {
    const m: StainMatrix = { hematoxylin: [0.6, 0.7, 0.3], dab: [0.6, 0.7, 0.3], residual: [0, 0, 1], source: 'custom' };
    expect(() => deconvolve(rgbRaster(1, 1), m)).toThrow(AnalysisError);
  });

  it('runs fast enough for whole slides (2048×2048): figures logged, LUT path beats per-pixel log', () => {
    const raster = rgbRaster(2048, 2048);
    // intensities of real tissue, not a constant that would flatter the cache
    let x = 12345;
    for (let i = 0; i < raster.data.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      raster.data[i] = 40 + ((x >>> 24) % 216);
    }
    const n = 2048 * 2048;
    const out = { hematoxylin: new Float32Array(n), dab: new Float32Array(n) };
    const withResidual = { ...out, residual: new Float32Array(n) };
    const inv = invert3([HDAB_DEFAULT.hematoxylin, HDAB_DEFAULT.dab, HDAB_DEFAULT.residual]);
    // what the LUT replaces: Math.log10 per channel per pixel, same arithmetic otherwise;
    // timed on a quarter of the raster (it is slow) and compared per pixel
    const naivePixels = n / 4;
    const naive = () => {
      const src = raster.data;
      for (let p = 0, s = 0; p < naivePixels; p++, s += 3) {
        const r = -Math.log10(Math.max(src[s], 1) / 255), g = -Math.log10(Math.max(src[s + 1], 1) / 255), b = -Math.log10(Math.max(src[s + 2], 1) / 255);
        out.hematoxylin[p] = r * inv[0][0] + g * inv[1][0] + b * inv[2][0];
        out.dab[p] = r * inv[0][1] + g * inv[1][1] + b * inv[2][1];
      }
    };
    const best = { lut: Infinity, residual: Infinity, naive: Infinity };
    // alternate the contenders so a busy shared machine slows them alike
    for (let run = 0; run < 4; run++) {
      let t = performance.now();
      deconvolveInto(raster, HDAB_DEFAULT, 255, out);
      best.lut = Math.min(best.lut, performance.now() - t);
      t = performance.now();
      deconvolveInto(raster, HDAB_DEFAULT, 255, withResidual);
      best.residual = Math.min(best.residual, performance.now() - t);
      t = performance.now();
      naive();
      best.naive = Math.min(best.naive, (performance.now() - t) * 4);
    }
    const mps = (ms: number) => (n / 1e6 / (ms / 1000)).toFixed(0);
    console.log(`deconvolveInto 2048×2048, single thread: ${mps(best.lut)} MP/s (H+DAB), ${mps(best.residual)} MP/s (with residual); per-pixel Math.log10: ${mps(best.naive)} MP/s`);
    expect(best.naive / best.lut).toBeGreaterThan(3);
  });
});
