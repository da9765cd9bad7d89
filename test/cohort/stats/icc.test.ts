import { describe, expect, it } from 'vitest';
import { icc } from '../../../src/cohort/stats/icc.js';
import { AnalysisError } from '../../../src/errors/index.js';
import { SHROUT_FLEISS } from './agreement-data.js';

describe('intraclass correlation', () => {
  const r = icc(SHROUT_FLEISS);

  it('gives Shrout & Fleiss (1979, Table 4) figures for their 6 targets × 4 judges', () => {
    expect(r.n).toBe(6);
    expect(r.k).toBe(4);
    const published = { ICC1: 0.17, ICC2: 0.29, ICC3: 0.71, ICC1k: 0.44, ICC2k: 0.62, ICC3k: 0.91 } as const;
    for (const [form, value] of Object.entries(published)) expect(r.forms[form as keyof typeof published].icc, form).toBeCloseTo(value, 2);
  });

  // R psych::ICC on the same ratings (printed in psych's documentation example and many tutorials):
  // F 1.8 (5, 18) for the one-way forms, 11.0 (5, 15) for the two-way forms, p 0.16477 and
  // 0.00013; 95 % bounds (lower/upper) ICC1 −0.133/0.72, ICC2 0.019/0.76, ICC3 0.342/0.95,
  // ICC1k −0.884/0.91, ICC2k 0.071/0.93, ICC3k 0.676/0.99 — McGraw & Wong's intervals.
  it('gives the F tests and McGraw & Wong intervals R psych::ICC prints', () => {
    expect(r.forms.ICC1.f).toBeCloseTo(1.79, 2);
    expect([r.forms.ICC1.df1, r.forms.ICC1.df2]).toEqual([5, 18]);
    expect(r.forms.ICC1.p).toBeCloseTo(0.16477, 5);
    expect(r.forms.ICC3.f).toBeCloseTo(11.03, 2);
    expect([r.forms.ICC3.df1, r.forms.ICC3.df2]).toEqual([5, 15]);
    expect(r.forms.ICC3.p).toBeCloseTo(0.00013, 5);
    const bounds = { ICC1: [-0.133, 0.72], ICC2: [0.019, 0.76], ICC3: [0.342, 0.95], ICC1k: [-0.884, 0.91], ICC2k: [0.071, 0.93], ICC3k: [0.676, 0.99] } as const;
    for (const [form, [lo, hi]] of Object.entries(bounds)) {
      const est = r.forms[form as keyof typeof bounds];
      expect(est.ci.lower, `${form} lower`).toBeCloseTo(lo, 3);
      expect(est.ci.upper, `${form} upper`).toBeCloseTo(hi, 2);
    }
  });

  it('refuses incomplete or constant ratings', () => {
    expect(() => icc([[1, 2], [3]])).toThrow(/complete cases/);
    expect(() => icc([[1, 2]])).toThrow(AnalysisError);
    expect(() => icc([[5, 5], [5, 5], [5, 5]])).toThrow(/do not vary/);
  });
});
