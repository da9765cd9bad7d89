import { describe, expect, it } from 'vitest';
import { blandAltman, blandAltmanRatio } from '../../../src/cohort/stats/bland-altman.js';
import { AnalysisError } from '../../../src/errors/index.js';
import { PEFR_MINI_WRIGHT, PEFR_WRIGHT, REPS_X, REPS_Y } from './agreement-data.js';

describe('Bland–Altman limits of agreement', () => {
  it('reproduces Bland & Altman (Lancet 1986) on the peak-flow data: bias −2.1, SD 38.8, limits −79.7 to 75.5', () => {
    // The paper's limits are d̄ ± 2s with d̄ and s rounded first (−2.1 ± 77.6); unrounded they
    // are −79.65 and 75.41, within 0.1 of the printed figures.
    const r = blandAltman(PEFR_WRIGHT, PEFR_MINI_WRIGHT, { k: 2 });
    expect(r.n).toBe(17);
    expect(r.bias).toBeCloseTo(-2.1, 1);
    expect(r.sd).toBeCloseTo(38.8, 1);
    expect(Math.abs(r.lower - -79.7)).toBeLessThan(0.1);
    expect(Math.abs(r.upper - 75.5)).toBeLessThan(0.1);
  });

  // R SimplyAgree, tests/testthat/test_agree_test.R (agree_test on data/reps.csv, complete pairs):
  // bias 0.4383333, limits −1.9470156 and 2.8236823, 95 % intervals of the limits
  // (−3.001158, −0.8928731) and (1.769540, 3.8778249); its documentation (docs/reference/agree_test.html)
  // prints the bias interval [−0.1669, 1.044] and, at 90 %, the limits' intervals
  // [−2.8162, −1.078] and [1.9545, 3.693].
  it('matches R SimplyAgree on its reps data: limits with the Bland & Altman (1999) intervals', () => {
    const r = blandAltman(REPS_X, REPS_Y);
    expect(r.n).toBe(18);
    expect(r.bias).toBeCloseTo(0.4383333, 6);
    expect(r.lower).toBeCloseTo(-1.9470156, 6);
    expect(r.upper).toBeCloseTo(2.8236823, 6);
    expect(r.k).toBeCloseTo(1.959964, 6);
    expect(r.lowerCi.lower).toBeCloseTo(-3.001158, 5);
    expect(r.lowerCi.upper).toBeCloseTo(-0.8928731, 5);
    expect(r.upperCi.lower).toBeCloseTo(1.76954, 5);
    expect(r.upperCi.upper).toBeCloseTo(3.8778249, 5);
    expect(r.biasCi.lower).toBeCloseTo(-0.1669, 4);
    expect(r.biasCi.upper).toBeCloseTo(1.044, 3);
    const ninety = blandAltman(REPS_X, REPS_Y, { confidence: 0.9 });
    expect(ninety.lowerCi.lower).toBeCloseTo(-2.8162, 4);
    expect(ninety.lowerCi.upper).toBeCloseTo(-1.078, 3);
    expect(ninety.upperCi.lower).toBeCloseTo(1.9545, 4);
    expect(ninety.upperCi.upper).toBeCloseTo(3.693, 3);
  });

  it('on the ratio scale recovers an exact proportional bias and leaves out pairs with a zero', () => {
    // a = 2·b·r with ln r symmetric about 0: the geometric mean ratio is exactly 2
    const b = [10, 40, 90, 160, 250, 360, 490];
    const r = [1.1, 1 / 1.1, 1.25, 1 / 1.25, 1, 1.5, 1 / 1.5];
    const a = b.map((v, i) => 2 * v * r[i]);
    const res = blandAltmanRatio([...a, 0, 5], [...b, 7, 0]);
    expect(res.excluded).toBe(2);
    expect(res.log.n).toBe(7);
    expect(res.ratio.bias).toBeCloseTo(2, 12);
    // SD of ln r over the seven: ln 1.1, ln 1.25, ln 1.5 twice each with both signs, and 0
    const sd = Math.sqrt((2 * (Math.log(1.1) ** 2 + Math.log(1.25) ** 2 + Math.log(1.5) ** 2)) / 6);
    expect(res.log.sd).toBeCloseTo(sd, 12);
    expect(res.ratio.lower).toBeCloseTo(2 * Math.exp(-res.log.k * sd), 10);
    expect(res.ratio.upper).toBeCloseTo(2 * Math.exp(res.log.k * sd), 10);
    expect(res.ratio.biasCi.lower).toBeLessThan(2);
    expect(res.ratio.biasCi.upper).toBeGreaterThan(2);
  });

  it('refuses unpaired or too few values, naming the statistic', () => {
    expect(() => blandAltman([1, 2, 3], [1, 2])).toThrow(AnalysisError);
    expect(() => blandAltman([1, 2], [1, 2])).toThrow(/at least 3 pairs, got 2/);
    expect(() => blandAltman([1, 2, NaN], [1, 2, 3])).toThrow(/finite/);
  });
});
