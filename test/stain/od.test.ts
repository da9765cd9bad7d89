import { describe, expect, it } from 'vitest';
import { odLut, odLuts, odOf } from '../../src/stain/od.js';

describe('optical density', () => {
  it('follows OD = -log10(max(I,1)/I0), clamped at 0', () => {
    expect(odOf(255)).toBe(0);
    expect(odOf(0)).toBeCloseTo(Math.log10(255), 12);
    expect(odOf(1)).toBeCloseTo(Math.log10(255), 12);
    expect(odOf(25.5)).toBeCloseTo(1, 12);
    expect(odOf(100, 200)).toBeCloseTo(Math.log10(2), 12);
    // brighter than the background is glass, not negative stain
    expect(odOf(250, 200)).toBe(0);
  });

  it('LUT holds odOf for every 8-bit value', () => {
    const lut = odLut(230);
    expect(lut.length).toBe(256);
    for (let i = 0; i < 256; i++) expect(lut[i]).toBeCloseTo(odOf(i, 230), 6);
    expect(lut[240]).toBe(0);
  });

  it('builds one LUT per channel and shares equal ones', () => {
    const [r, g, b] = odLuts([240, 240, 250]);
    expect(r).toBe(g);
    expect(b).not.toBe(r);
    expect(b[125]).toBeCloseTo(Math.log10(2), 6);
    const single = odLuts(255);
    expect(single[0]).toBe(single[2]);
  });

  it('rejects an impossible background', () => {
    expect(() => odLut(0)).toThrow(/I0 must lie in \[1, 255\], got 0/);
    expect(() => odLut(300)).toThrow(RangeError);
    expect(() => odOf(10, Number.NaN)).toThrow(RangeError);
  });
});
