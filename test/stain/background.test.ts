import { describe, expect, it } from 'vitest';
import { estimateBackground } from '../../src/stain/background.js';
import { HDAB_DEFAULT } from '../../src/stain/vectors.js';
import { renderScene } from './scene.js';

describe('background I0 estimate', () => {
  it('finds tinted glass per channel within 1 level when glass is a minority of the view', () => {
    const glass: [number, number, number] = [236, 228, 242];
    const rgb = renderScene(HDAB_DEFAULT, glass, { pureH: 0.4, pureDab: 0.2, mixed: 0.3 }, 40_000, 3, 2);
    const est = estimateBackground(rgb);
    expect(est.clamped).toBe(false);
    expect(est.pixels).toBeGreaterThan(1000);
    est.i0.forEach((v, k) => expect(Math.abs(v - glass[k])).toBeLessThanOrEqual(1));
  });

  it('clamps to 200 when there is no glass, and to 255 for saturated white', () => {
    const dark = new Uint8Array(3000).fill(120);
    expect(estimateBackground(dark)).toEqual({ i0: [200, 200, 200], pixels: 1000, clamped: true, lowestSum: 3 * 120 - 24 });
    const white = new Uint8Array(3000).fill(255);
    expect(estimateBackground(white)).toEqual({ i0: [255, 255, 255], pixels: 1000, clamped: false, lowestSum: 765 - 24 });
  });

  it('falls back to 255 with too few pixels, and rejects a broken buffer', () => {
    expect(estimateBackground(new Uint8Array(30).fill(230))).toEqual({ i0: [255, 255, 255], pixels: 0, clamped: false, lowestSum: 3 * 230 - 24 });
    expect(() => estimateBackground(new Uint8Array(4))).toThrow(/multiple of 3/);
  });
});
