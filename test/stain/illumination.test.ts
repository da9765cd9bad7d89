import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/domain/params.js';
import { rgbRaster } from '../../src/image/raster.js';
import { flatFieldRow } from '../../src/stain/flat-field.js';
import { estimateIllumination } from '../../src/stain/illumination.js';

const p = resolveParams({});
const opts = { ...p.illumination, fit: true, background: 'estimate' as const, i0: 255, minGlassFraction: 0.03, minGlassPixels: 50 };
const W = 96;
const H = 80;
// true illumination: 5 % gradient along x and 5 % vignetting
const light = (x: number, y: number) => (1 + 0.05 * ((2 * (x + 0.5)) / W - 1)) * (1 - 0.05 * (((2 * (x + 0.5)) / W - 1) ** 2 + ((2 * (y + 0.5)) / H - 1) ** 2) / 2);

/** Glass 240 round a textured tissue disc (or tissue everywhere), under the illumination. */
function overview(wholeField: boolean) {
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const inTissue = wholeField || (x - W / 2) ** 2 + (y - H / 2) ** 2 < 30 ** 2;
      // pale tissue: 3–9 % darker than glass, with a fibre-like texture
      const t = inTissue ? 0.91 + 0.06 * (((x * 7 + y * 13) % 5) / 4) : 1;
      const v = 240 * t * light(x, y);
      data.set([Math.round(v * 0.98), Math.round(v * 0.97), Math.round(v)], (y * W + x) * 3);
    }
  }
  return rgbRaster(W, H, data);
}

describe('estimateIllumination', () => {
  it('finds glass, fits the field to it and takes I0 from it', () => {
    const e = estimateIllumination(overview(false), opts);
    expect(e.summary.glass).toBe(true);
    expect(e.summary.corrected).toBe(true);
    const row = new Float32Array(W);
    let worst = 0;
    // S is relative: compare shapes normalised at the centre
    flatFieldRow(e.flatField!, { x0: 0 }, H / 2, row);
    const ref = 10 ** row[W / 2] / light(W / 2, H / 2);
    for (const y of [0, H / 2, H - 1]) {
      flatFieldRow(e.flatField!, { x0: 0 }, y, row);
      for (let x = 0; x < W; x++) worst = Math.max(worst, Math.abs(10 ** row[x] / light(x, y) / ref - 1));
    }
    // a quadratic in log space cannot hold gradient × vignetting's cubic term exactly: ≤ 2 % at the corners
    expect(worst).toBeLessThan(0.02);
    const i0 = e.i0 as readonly number[];
    // I0 is the glass under the brightest light (S = 1 there), within the shape error
    let top = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) top = Math.max(top, light(x, y));
    expect(Math.abs(i0[2] / (240 * top) - 1)).toBeLessThan(0.02);
    expect(i0[0]).toBeLessThan(i0[2]);
  });

  it('a whole-field section has no glass: I0 is the white point, never the tissue', () => {
    const e = estimateIllumination(overview(true), opts);
    expect(e.summary.glass).toBe(false);
    expect(e.i0).toBe(255);
    expect(e.summary.i0Source).toBe('white-point');
  });

  it('flat pale fibre cores in a whole-field section are not glass; the same fibres ringed by glass are', () => {
    // fibres 9 px across (72 µm at 8 µm/px) with featureless cores, 1 px endomysium between them:
    // the bright mode's median texture is that of the cores, so only the region size tells
    const fibres = (ringed: boolean) => {
      const data = new Uint8Array(W * H * 3);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const glass = ringed && (x - W / 2) ** 2 + (y - H / 2) ** 2 >= 30 ** 2;
          const border = x % 10 === 0 || (y + 5 * (Math.floor(x / 10) % 2)) % 10 === 0;
          const v = glass ? 240 : border ? 200 : 222;
          data.set([v, Math.round(v * 0.93), Math.round(v * 0.98)], (y * W + x) * 3);
        }
      }
      return rgbRaster(W, H, data);
    };
    const whole = estimateIllumination(fibres(false), opts);
    expect(whole.summary.glassTexture).toBeLessThanOrEqual(opts.maxGlassTexture);
    expect(whole.summary.glass).toBe(false);
    expect(whole.i0).toBe(255);
    expect(estimateIllumination(fibres(false), { ...opts, minGlassRegion: 0 }).summary.glass).toBe(true);
    const ringed = estimateIllumination(fibres(true), opts);
    expect(ringed.summary.glass).toBe(true);
    expect(ringed.i0).toEqual([240, 223, 235]);
  });

  it('glass in pieces where the section reaches the image edge: neutral, so glass; tinted pale cores in pieces are not', () => {
    // textured tissue everywhere but four corners of 12 × 12 px: each corner under minGlassRegion
    // (2.5 % of 7680 px = 192), the four together over it
    const corners = (rgb: [number, number, number]) => {
      const data = new Uint8Array(W * H * 3);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const corner = (x < 12 || x >= W - 12) && (y < 12 || y >= H - 12);
          const t = 0.86 + 0.06 * (((x * 7 + y * 13) % 5) / 4);
          data.set(corner ? rgb : [Math.round(240 * t * 0.93), Math.round(240 * t * 0.9), Math.round(240 * t)], (y * W + x) * 3);
        }
      }
      return rgbRaster(W, H, data);
    };
    const glass = estimateIllumination(corners([236, 236, 236]), opts);
    expect(glass.summary.glass).toBe(true);
    expect(glass.i0).toEqual([236, 236, 236]);
    // the same pieces with a stain's tint (chroma 0.08): pale tissue, and I0 stays the white point
    const tinted = estimateIllumination(corners([236, 218, 230]), opts);
    expect(tinted.summary.glass).toBe(false);
    expect(tinted.i0).toBe(255);
    // one rule alone would not do: the largest corner is under minGlassRegion
    expect(estimateIllumination(corners([236, 236, 236]), { ...opts, maxGlassChroma: 0 - 1e-9 }).summary.glass).toBe(false);
  });

  it('uniform light on glass leaves no correction', () => {
    const data = new Uint8Array(W * H * 3).fill(238);
    for (let i = 0; i < 2000; i++) data[i * 3] = 150;
    const e = estimateIllumination(rgbRaster(W, H, data), opts);
    expect(e.summary).toMatchObject({ glass: true, corrected: false, minRelative: 1 });
    expect(e.flatField).toBeUndefined();
    expect(e.i0).toEqual([238, 238, 238]);
  });
});
