import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { plantRegion, plantedBuffers } from '../../src/synthetic/planted.js';
import { renderRegion } from '../../src/synthetic/render.js';
import { makeScene, type SceneOptionsInput } from '../../src/synthetic/scene.js';
import { truthOf } from '../../src/synthetic/truth-of.js';

function fingerprint(opts: SceneOptionsInput): { pixels: string; truth: string } {
  const s = makeScene(opts);
  const r = renderRegion(s, 0, 0, s.width, s.height);
  return {
    pixels: createHash('sha256').update(r.data).digest('hex'),
    truth: createHash('sha256').update(JSON.stringify(truthOf(s))).digest('hex'),
  };
}

describe('renderRegion', () => {
  it('is deterministic: same seed → identical pixels and truth, other seed → different', () => {
    const a = fingerprint({ seed: 1001, width: 384, height: 320 });
    const b = fingerprint({ seed: 1001, width: 384, height: 320 });
    const c = fingerprint({ seed: 1002, width: 384, height: 320 });
    expect(b).toEqual(a);
    expect(c.pixels).not.toBe(a.pixels);
    expect(c.truth).not.toBe(a.truth);
  });

  it('renders any sub-rectangle exactly as the crop of the whole image', () => {
    const s = makeScene({ seed: 4, width: 420, height: 380 });
    const whole = renderRegion(s, 0, 0, s.width, s.height);
    const rects = [
      [0, 0, 100, 90],
      [137, 61, 150, 170],
      [300, 250, 120, 130], // touches the far corner
      [0, 200, 420, 7], // a thin full-width band
    ];
    for (const [x0, y0, w, h] of rects) {
      const part = renderRegion(s, x0, y0, w, h);
      let diff = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w * 3; x++) {
          if (part.data[y * w * 3 + x] !== whole.data[((y0 + y) * s.width + x0) * 3 + x]) diff++;
        }
      }
      expect(diff, `rect ${x0},${y0} ${w}x${h}`).toBe(0);
    }
  });

  it('renders nuclei darker and bluer than the stroma around them', () => {
    const s = makeScene({ seed: 8, width: 600, height: 600, fractionPositive: 0, patchesPerMm2: 0 });
    const img = renderRegion(s, 0, 0, s.width, s.height);
    const buf = plantedBuffers(s.width * s.height);
    plantRegion(s, 0, 0, s.width, s.height, buf);
    // stroma: tissue pixels with no cell nearby (owner −1) and only counterstain
    let sr = 0, sg = 0, sb = 0, n = 0;
    for (let p = 0; p < s.width * s.height; p++) {
      if (buf.tissue[p] && buf.owner[p] < 0 && buf.h[p] < 0.13) {
        sr += img.data[p * 3];
        sg += img.data[p * 3 + 1];
        sb += img.data[p * 3 + 2];
        n++;
      }
    }
    expect(n).toBeGreaterThan(10_000);
    const stroma = { r: sr / n, g: sg / n, b: sb / n };
    expect(s.cells.length).toBeGreaterThan(50);
    for (const c of s.cells) {
      const x = Math.round(c.cx);
      const y = Math.round(c.cy);
      let r = 0, g = 0, b = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const p = (y + dy) * s.width + x + dx;
        r += img.data[p * 3] / 9;
        g += img.data[p * 3 + 1] / 9;
        b += img.data[p * 3 + 2] / 9;
      }
      // hematoxylin ≥ 0.35·0.85 OD: every channel at least ~25 % darker in red
      expect(r + g + b).toBeLessThan(stroma.r + stroma.g + stroma.b - 60);
      // hematoxylin absorbs red more than blue (vector 0.65, 0.70, 0.29)
      expect(b - r).toBeGreaterThan(stroma.b - stroma.r + 15);
    }
  });

  it('renders background near I0 with the planted noise level', () => {
    const s = makeScene({ seed: 12, width: 500, height: 500, tissueFraction: 0.5 });
    const img = renderRegion(s, 0, 0, s.width, s.height);
    const buf = plantedBuffers(s.width * s.height);
    plantRegion(s, 0, 0, s.width, s.height, buf);
    let sum = 0, sum2 = 0, n = 0;
    for (let y = 4; y < s.height - 4; y++) {
      for (let x = 4; x < s.width - 4; x++) {
        // at least 4 px from any tissue, so blur has nothing to bring in
        let clear = true;
        for (let d = -4; d <= 4 && clear; d += 2) {
          if (buf.tissue[(y + d) * s.width + x] || buf.tissue[y * s.width + x + d]) clear = false;
        }
        if (!clear) continue;
        for (let c = 0; c < 3; c++) {
          const v = img.data[(y * s.width + x) * 3 + c];
          sum += v;
          sum2 += v * v;
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(50_000);
    const mean = sum / n;
    const sd = Math.sqrt(sum2 / n - mean * mean);
    expect(Math.abs(mean - s.i0)).toBeLessThan(0.6);
    // quantisation adds 1/12 grey level² of variance
    expect(sd).toBeGreaterThan(s.noiseSigma * 0.9);
    expect(sd).toBeLessThan(Math.sqrt(s.noiseSigma ** 2 + 1 / 12) * 1.1);
  });

  it('rejects non-integer or empty rectangles', () => {
    const s = makeScene({ seed: 2, width: 128, height: 128 });
    expect(() => renderRegion(s, 0.5, 0, 10, 10)).toThrow(RangeError);
    expect(() => renderRegion(s, 0, 0, 0, 10)).toThrow(/non-empty/);
  });
});
