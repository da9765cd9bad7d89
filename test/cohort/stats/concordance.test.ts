import { describe, expect, it } from 'vitest';
import { linConcordance } from '../../../src/cohort/stats/concordance.js';
import { REPS_X, REPS_Y } from './agreement-data.js';

describe("Lin's concordance correlation", () => {
  // R SimplyAgree: agree_test on reps prints "CCC: 0.4791, 95% C.I. [0.1276, 0.7237]"
  // (docs/reference/agree_test.html), and its tests pin 0.479 (tests/testthat/test_agree_test.R).
  it('matches R SimplyAgree on its reps data, with the interval on Fisher z', () => {
    const r = linConcordance(REPS_X, REPS_Y);
    expect(r.n).toBe(18);
    expect(r.ccc).toBeCloseTo(0.4791, 4);
    expect(r.ci.lower).toBeCloseTo(0.1276, 4);
    expect(r.ci.upper).toBeCloseTo(0.7237, 4);
    expect(r.ccc).toBeCloseTo(r.pearson * r.cb, 12);
  });

  it('is 1 for identical methods and below r when one method is shifted', () => {
    const x = [1, 2, 3, 4, 5, 6];
    expect(linConcordance(x, x).ccc).toBe(1);
    const shifted = linConcordance(x, x.map((v) => v + 1));
    expect(shifted.pearson).toBeCloseTo(1, 12);
    // 2·s_xy / (2·s_x² + 1) with s_x² = 35/12
    expect(shifted.ccc).toBeCloseTo(70 / 12 / (70 / 12 + 1), 12);
  });
});
