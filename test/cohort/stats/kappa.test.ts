import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { describe, expect, it } from 'vitest';
import { cohenKappa, confusionMatrix } from '../../../src/cohort/stats/kappa.js';
import { ABSTRACTORS } from './agreement-data.js';

// R irrCAC on Gwet's cont3x3abstractors: kappa2.table gives Cohen's κ 0.7964094, SE 0.05891072
// (README); with quadratic.weights κ 0.8921569 (rdrr.io example output of kappa2.table), and its
// Python port's tests pin the interval (t with n − 1 df) of the quadratic- and linear-weighted κ:
// 0.822–0.962 and 0.748–0.938 (κ 0.843). irrCAC's variance is Fleiss, Cohen & Everitt's (1969).
describe("Cohen's κ and weighted κ", () => {
  const t99 = tQuantile(0.975, 99);

  it('matches R irrCAC on the abstractors table: κ and its Fleiss–Cohen–Everitt standard error', () => {
    const r = cohenKappa(ABSTRACTORS);
    expect(r.n).toBe(100);
    expect(r.po).toBeCloseTo(0.89, 12);
    expect(r.kappa).toBeCloseTo(0.7964094, 7);
    expect(r.se).toBeCloseTo(0.05891072, 7);
    // our interval is the asymptotic normal one
    expect(r.ci.lower).toBeCloseTo(0.7964094 - 1.959964 * 0.05891072, 5);
  });

  it('matches irrCAC with quadratic and linear weights', () => {
    const q = cohenKappa(ABSTRACTORS, 'quadratic');
    expect(q.kappa).toBeCloseTo(0.8921569, 7);
    expect(Number((q.kappa - t99 * q.se).toFixed(3))).toBe(0.822);
    expect(Number((q.kappa + t99 * q.se).toFixed(3))).toBe(0.962);
    const l = cohenKappa(ABSTRACTORS, 'linear');
    expect(Number(l.kappa.toFixed(3))).toBe(0.843);
    expect(Number((l.kappa - t99 * l.se).toFixed(3))).toBe(0.748);
    expect(Number((l.kappa + t99 * l.se).toFixed(3))).toBe(0.938);
  });

  it('counts calls into a confusion matrix and names a call outside the categories', () => {
    const m = confusionMatrix([0, 1, 2, 2, 1], [0, 2, 2, 1, 1], [0, 1, 2]);
    expect(m.counts).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 1, 1],
    ]);
    expect(() => confusionMatrix([0, 7], [0, 1], [0, 1, 2])).toThrow(/call 7 is not one of 0, 1, 2/);
    expect(() => cohenKappa(confusionMatrix([1, 1], [1, 1], [0, 1]))).toThrow(/undefined/);
  });
});
