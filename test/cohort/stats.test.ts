import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../src/errors/index.js';
import { benjaminiHochberg } from '../../src/cohort/stats/benjamini-hochberg.js';
import { summarize } from '../../src/cohort/stats/describe.js';
import { fisherExact } from '../../src/cohort/stats/fisher-exact.js';
import { mannWhitney } from '../../src/cohort/stats/mann-whitney.js';
import { spearman } from '../../src/cohort/stats/spearman.js';
import { wilcoxonSignedRank } from '../../src/cohort/stats/wilcoxon-signed-rank.js';

// 3 significant digits, as the published examples print them
const sig3 = (v: number) => Number(v.toPrecision(3));

describe('Wilcoxon signed-rank', () => {
  // R documentation, ?wilcox.test: Hollander & Wolfe (1973) p. 29, depression scale at the first
  // (x) and second (y) visit: wilcox.test(x, y, paired = TRUE, alternative = "greater")
  // gives V = 40, p-value = 0.01953; two-sided p = 0.03906.
  const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
  const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];

  it('matches the Hollander & Wolfe depression example (exact)', () => {
    const two = wilcoxonSignedRank(x, y);
    expect(two.statistic).toBe(40);
    expect(sig3(two.p)).toBe(0.0391);
    expect(two.p).toBeCloseTo(0.03906, 5);
    expect(two.method).toBe('Wilcoxon signed-rank, exact');
    expect(two.n).toBe(9);
    // 2 negative differences of rank 1 and 4: R− = 5, R+ = 40, r = (40 − 5)/45
    expect(two.rankBiserial).toBeCloseTo(35 / 45, 12);
    expect(sig3(wilcoxonSignedRank(x, y, 'greater').p)).toBe(0.0195);
    expect(wilcoxonSignedRank(x, y, 'less').p).toBeGreaterThan(0.95);
  });

  it('drops zero differences and uses the tie-corrected normal approximation (hand-computed)', () => {
    // d = 1, 2, 2, −3, 4, 0 → zero dropped, n = 5; |d| ranks 1, 2.5, 2.5, 4, 5; V = 11.
    // E[V] = 7.5; Var = 5·6·11/24 − (2³ − 2)/48 = 13.625; z = (11 − 7.5 − 0.5)/√13.625 = 0.81274
    // p = 2(1 − Φ(0.81274)) = 0.41637
    const r = wilcoxonSignedRank([1, 2, 2, -3, 4, 0], [0, 0, 0, 0, 0, 0]);
    expect(r).toMatchObject({ nPairs: 6, n: 5, zerosDropped: 1, statistic: 11 });
    expect(r.p).toBeCloseTo(0.41637, 5);
    expect(r.method).toContain('normal approximation');
    expect(r.method).toContain('tie-corrected');
    expect(r.method).toContain('1 zero difference dropped');
    expect(r.rankBiserial).toBeCloseTo((11 - 4) / 15, 12);
  });

  it('treats differences equal on paper as ties despite floating point', () => {
    // 0.3 − 0.1 and 0.5 − 0.3 differ in the last bit as doubles
    const r = wilcoxonSignedRank([0.3, 0.5, 1], [0.1, 0.3, 0]);
    expect(r.method).toContain('tie-corrected');
  });

  it('refuses unequal lengths and all-zero differences', () => {
    expect(() => wilcoxonSignedRank([1, 2], [1])).toThrow(AnalysisError);
    expect(() => wilcoxonSignedRank([1, 2], [1, 2])).toThrow(/no non-zero differences/);
  });
});

describe('Mann–Whitney U', () => {
  // R documentation, ?wilcox.test: Hollander & Wolfe (1973) p. 69, permeability constants of the
  // human chorioamnion at term (x) and 12–26 weeks (y): wilcox.test(x, y, alternative = "g")
  // gives W = 35, p-value = 0.1272.
  const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const y = [1.15, 0.88, 0.9, 0.74, 1.21];

  it('matches the Hollander & Wolfe permeability example (exact)', () => {
    const g = mannWhitney(x, y, 'greater');
    expect(g.statistic).toBe(35);
    expect(sig3(g.p)).toBe(0.127);
    expect(g.method).toBe('Mann–Whitney U, exact');
    const two = mannWhitney(x, y);
    expect(sig3(two.p)).toBe(0.254);
    // Cliff's δ = 2·35/50 − 1
    expect(two.rankBiserial).toBeCloseTo(0.4, 12);
    expect([two.nX, two.nY]).toEqual([10, 5]);
  });

  it('matches the R airquality example with ties (normal approximation)', () => {
    // R documentation, ?wilcox.test: wilcox.test(Ozone ~ Month, data = airquality,
    // subset = Month %in% c(5, 8)) gives W = 127.5, p-value = 0.0001208 (NAs removed).
    const may = [41, 36, 12, 18, 28, 23, 19, 8, 7, 16, 11, 14, 18, 14, 34, 6, 30, 11, 1, 11, 4, 32, 23, 45, 115, 37];
    const aug = [39, 9, 16, 78, 35, 66, 122, 89, 110, 44, 28, 65, 22, 59, 23, 31, 44, 21, 9, 45, 168, 73, 76, 118, 84, 85];
    const r = mannWhitney(may, aug);
    expect(r.statistic).toBe(127.5);
    expect(sig3(r.p)).toBe(0.000121);
    expect(r.method).toContain('normal approximation');
    expect(r.method).toContain('tie-corrected');
    expect(r.rankBiserial).toBeCloseTo((2 * 127.5) / (26 * 26) - 1, 12);
  });

  it('gives the extreme exact p for complete separation: 2/C(6,3) = 0.1', () => {
    const r = mannWhitney([4, 5, 6], [1, 2, 3]);
    expect(r.statistic).toBe(9);
    expect(r.p).toBeCloseTo(0.1, 12);
    expect(r.rankBiserial).toBe(1);
  });

  it('refuses an empty group', () => {
    expect(() => mannWhitney([], [1, 2])).toThrow(AnalysisError);
  });
});

describe('Spearman rank correlation', () => {
  // R documentation, ?cor.test: Hollander & Wolfe (1973) p. 187f., x/y below;
  // cor.test(x, y, method = "spearman", alternative = "g") gives S = 48, p-value = 0.0484, rho = 0.6
  // (n = 9: exact; R's AS 89 is exact for n ≤ 9, as our permutation is).
  const x = [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1];
  const y = [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8];

  it('matches the Hollander & Wolfe example (exact permutation)', () => {
    const g = spearman(x, y, 'greater');
    expect(g.rho).toBeCloseTo(0.6, 12);
    expect(g.statistic).toBeCloseTo(48, 9);
    expect(sig3(g.p)).toBe(0.0484);
    expect(g.method).toContain('exact permutation');
    expect(sig3(spearman(x, y).p)).toBe(0.0968);
  });

  it('matches the Wikipedia IQ vs TV-hours example (t approximation, n = 10)', () => {
    // en.wikipedia.org "Spearman's rank correlation coefficient", worked example:
    // ρ = −29/165 ≈ −0.1758, p = 0.627188 using the t-distribution
    const iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
    const tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];
    const r = spearman(iq, tv);
    expect(r.rho).toBeCloseTo(-29 / 165, 12);
    expect(r.p).toBeCloseTo(0.627188, 6);
    expect(r.method).toContain('t approximation');
  });

  it('permutation p with tied ranks (hand-counted)', () => {
    // ry = 1, 2.5, 2.5, 4: only the 2 orderings that keep ry sorted reach the observed sum
    // → upper tail 2/24, two-sided 1/6
    const r = spearman([1, 2, 3, 4], [1, 2, 2, 3]);
    expect(r.rho).toBeCloseTo(9 / Math.sqrt(90), 12);
    expect(r.p).toBeCloseTo(1 / 6, 12);
    expect(spearman([1, 2, 3, 4], [1, 2, 2, 3], 'greater').p).toBeCloseTo(1 / 12, 12);
  });

  it('refuses fewer than 3 pairs and a constant variable', () => {
    expect(() => spearman([1, 2], [2, 1])).toThrow(AnalysisError);
    expect(() => spearman([1, 2, 3], [5, 5, 5])).toThrow(/does not vary/);
  });
});

describe("Fisher's exact test", () => {
  it('IL-1Ra expressed in 7/7 responders vs 3/8 non-responders: two-sided p = 0.0256', () => {
    // hand check: P(a = 7) = C(10,7)·C(5,0)/C(15,7) = 120/6435, P(a = 2) = 45/6435; all other
    // tables are more likely → p = 165/6435 = 0.025641
    const r = fisherExact({ a: 7, b: 0, c: 3, d: 5 });
    expect(sig3(r.p)).toBe(0.0256);
    expect(r.p).toBeCloseTo(165 / 6435, 12);
    // b = 0: Haldane–Anscombe 7.5·5.5/(0.5·3.5)
    expect(r.oddsRatioCorrected).toBe(true);
    expect(r.oddsRatio).toBeCloseTo(41.25 / 1.75, 12);
  });

  it("matches R's tea-tasting example: two-sided p = 0.4857", () => {
    // R documentation, ?fisher.test: TeaTasting = matrix(c(3, 1, 1, 3), 2); the two-sided p is
    // 0.4857 (= 34/70); sample odds ratio 3·3/(1·1) = 9
    const r = fisherExact({ a: 3, b: 1, c: 1, d: 3 });
    expect(r.p).toBeCloseTo(34 / 70, 12);
    expect(r.oddsRatio).toBe(9);
    expect(r.oddsRatioCorrected).toBe(false);
  });

  it('refuses non-counts and an empty group', () => {
    expect(() => fisherExact({ a: 1.5, b: 0, c: 1, d: 1 })).toThrow(AnalysisError);
    expect(() => fisherExact({ a: 0, b: 0, c: 1, d: 1 })).toThrow(/both groups/);
  });
});

describe('Benjamini–Hochberg q-values', () => {
  it('reproduces the 15 p-values of Benjamini & Hochberg (1995), section 4', () => {
    const p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0];
    // hand-computed: q_i = min over j ≥ i of p_j·15/j
    const expected = [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.063857, 0.063857, 0.0645, 0.0765, 0.486, 0.581182, 0.714875, 0.753231, 0.813214, 1];
    const q = benjaminiHochberg(p);
    q.forEach((v, i) => expect(v!).toBeCloseTo(expected[i], 6));
    // at FDR 0.05 the paper rejects the first four hypotheses
    expect(q.filter((v) => v! <= 0.05)).toHaveLength(4);
  });

  it('keeps input order and leaves uncomputed entries out of the count', () => {
    // m = 2 present: 0.04·2/2 = 0.04, 0.01·2/1 = 0.02
    expect(benjaminiHochberg([0.04, null, 0.01])).toEqual([0.04, null, 0.02]);
    expect(benjaminiHochberg([null])).toEqual([null]);
  });
});

describe('median and IQR', () => {
  it("match R's quantile() type 7: quantile(1:10) = 1, 3.25, 5.5, 7.75, 10", () => {
    expect(summarize([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual({ n: 10, median: 5.5, q1: 3.25, q3: 7.75 });
    expect(summarize([])).toEqual({ n: 0, median: null, q1: null, q3: null });
  });
});
