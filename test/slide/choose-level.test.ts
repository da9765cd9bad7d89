import { describe, expect, it } from 'vitest';
import { chooseLevel, finestSufficientLevel } from '../../src/slide/choose-level.js';
import type { SlideLevel } from '../../src/slide/types.js';

function pyramid(mpp0: number, downsamples: number[]): SlideLevel[] {
  return downsamples.map((d, index) => ({ index, width: Math.round(8000 / d), height: Math.round(6000 / d), mpp: mpp0 * d, downsample: d }));
}

describe('chooseLevel', () => {
  const levels = pyramid(0.25, [1, 4, 16, 64]); // 0.25, 1, 4, 16 µm/px

  it('picks the level closest on a log scale', () => {
    expect(chooseLevel(levels, 0.25)).toBe(0);
    expect(chooseLevel(levels, 0.45)).toBe(0); // log distance 0.59 to 0.25 vs 0.80 to 1.0
    expect(chooseLevel(levels, 0.55)).toBe(1); // 0.79 vs 0.60
    expect(chooseLevel(levels, 3)).toBe(2);
    expect(chooseLevel(levels, 1000)).toBe(3);
    expect(chooseLevel(levels, 0.01)).toBe(0);
  });

  it('prefers the finer level on an exact log-scale tie', () => {
    // 0.5 is exactly 2× from both 0.25 and 1.0
    expect(chooseLevel(levels, 0.5)).toBe(0);
    expect(chooseLevel(levels, 2)).toBe(1);
    // same tie with the levels listed coarse first
    expect(chooseLevel([...levels].reverse(), 0.5)).toBe(3);
  });

  it('works for non-power-of-two pyramids as libvips rounds them', () => {
    const odd = [
      { index: 0, width: 3001, height: 2001, mpp: 0.5, downsample: 1 },
      { index: 1, width: 1500, height: 1000, mpp: 0.5 * (3001 / 1500), downsample: 3001 / 1500 },
    ];
    expect(chooseLevel(odd, 1)).toBe(1);
    expect(chooseLevel(odd, 0.7)).toBe(0);
  });

  it('rejects nonsense targets and empty level lists', () => {
    expect(() => chooseLevel(levels, 0)).toThrow(/positive/);
    expect(() => chooseLevel(levels, Number.NaN)).toThrow(/positive/);
    expect(() => chooseLevel([], 0.5)).toThrow(/no levels/);
  });
});

describe('finestSufficientLevel', () => {
  const levels = pyramid(0.25, [1, 4, 16, 64]);
  it('takes the coarsest level that is still at least as fine as the target', () => {
    expect(finestSufficientLevel(levels, 8)).toBe(2); // 4 µm/px, next (16) is too coarse
    expect(finestSufficientLevel(levels, 16)).toBe(3);
    expect(finestSufficientLevel(levels, 0.9)).toBe(0);
    expect(finestSufficientLevel(levels, 0.1)).toBe(0);
  });
});
