import { describe, expect, it } from 'vitest';
import { allredIntensity, allredProportion, allredScore } from '../../src/score/allred.js';
import { perMm2, tissueAreaMm2 } from '../../src/score/density.js';
import { gradeOf } from '../../src/score/grade.js';
import { gradePercents } from '../../src/score/grade-counts.js';
import { hScore } from '../../src/score/hscore.js';

const T: [number, number, number] = [0.2, 0.4, 0.6];

describe('gradeOf', () => {
  it('grades at and between the SCIENCE.md thresholds', () => {
    expect([0, 0.1999, 0.2, 0.39, 0.4, 0.5999, 0.6, 2.5].map((od) => gradeOf(od, T))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(gradeOf(-0.05, T)).toBe(0);
    expect(gradeOf(Number.NaN, T)).toBe(0);
    expect(gradeOf(0.3, [0.1, 0.25, 0.35])).toBe(2);
  });
});

describe('H-score', () => {
  it('100 cells: 50 neg, 20 1+, 20 2+, 10 3+ → 90', () => {
    expect(hScore([50, 20, 20, 10])).toBe(90);
    expect(gradePercents([50, 20, 20, 10])).toEqual([50, 20, 20, 10]);
  });
  it('spans 0–300 and is 0 with no cells', () => {
    expect(hScore([7, 0, 0, 0])).toBe(0);
    expect(hScore([0, 0, 0, 3])).toBe(300);
    expect(hScore([0, 0, 0, 0])).toBe(0);
    expect(gradePercents([0, 0, 0, 0])).toEqual([0, 0, 0, 0]);
    // 3 cells: one each of 1+, 2+, 3+ → (1+2+3)/3·100
    expect(hScore([0, 1, 1, 1])).toBeCloseTo(200, 12);
    expect(hScore([2, 1, 0, 1])).toBe(100); // (1 + 3)/4 cells
  });
});

describe('Allred', () => {
  it('proportion score on continuous percentages', () => {
    const cases: [number, number][] = [
      [0, 0], [0.5, 1], [0.999, 1], [1, 2], [10, 2], [10.5, 3], [33, 3], [33.01, 4], [66, 4], [66.5, 5], [67, 5], [100, 5],
    ];
    for (const [pct, score] of cases) expect(allredProportion(pct), `${pct}%`).toBe(score);
    expect(() => allredProportion(100.1)).toThrow(RangeError);
    expect(() => allredProportion(Number.NaN)).toThrow(RangeError);
  });

  it('intensity = mean grade of positive cells, halves rounding up', () => {
    expect(allredIntensity([50, 20, 20, 10])).toBe(2); // 90/50 = 1.8
    expect(allredIntensity([0, 1, 1, 0])).toBe(2); // 1.5
    expect(allredIntensity([0, 3, 1, 0])).toBe(1); // 1.25
    expect(allredIntensity([0, 1, 0, 1])).toBe(2); // 2.0
    expect(allredIntensity([0, 0, 1, 1])).toBe(3); // 2.5
    expect(allredIntensity([900, 0, 0, 100])).toBe(3);
    expect(allredIntensity([10, 0, 0, 0])).toBe(0);
  });

  it('total for the 100-cell example and at the boundaries', () => {
    expect(allredScore([50, 20, 20, 10])).toEqual({ proportion: 4, intensity: 2, total: 6 });
    expect(allredScore([100, 0, 0, 0])).toEqual({ proportion: 0, intensity: 0, total: 0 });
    expect(allredScore([0, 0, 0, 0])).toEqual({ proportion: 0, intensity: 0, total: 0 });
    expect(allredScore([199, 1, 0, 0])).toEqual({ proportion: 1, intensity: 1, total: 2 }); // 0.5%
    expect(allredScore([99, 0, 0, 1])).toEqual({ proportion: 2, intensity: 3, total: 5 }); // 1%
    expect(allredScore([90, 10, 0, 0])).toEqual({ proportion: 2, intensity: 1, total: 3 }); // 10%
    expect(allredScore([179, 0, 21, 0])).toEqual({ proportion: 3, intensity: 2, total: 5 }); // 10.5%
    expect(allredScore([33, 0, 0, 67])).toEqual({ proportion: 5, intensity: 3, total: 8 }); // 67%
    expect(allredScore([0, 0, 0, 5])).toEqual({ proportion: 5, intensity: 3, total: 8 }); // 100%
  });
});

describe('density', () => {
  it('area = pixels · mpp² / 10⁶ and count per mm²', () => {
    expect(tissueAreaMm2(4_000_000, 0.5)).toBe(1);
    expect(tissueAreaMm2(1_000_000, 0.25)).toBeCloseTo(0.0625, 15);
    expect(perMm2(250, 0.5)).toBe(500);
    expect(perMm2(0, 0)).toBe(0);
    expect(perMm2(12, 0)).toBe(0);
    expect(() => tissueAreaMm2(10, 0)).toThrow(/positive number of µm\/px, got 0/);
  });
});
