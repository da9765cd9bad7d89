import { describe, expect, it } from 'vitest';
import type { ManualScore } from '../../../src/domain/manual-score.js';
import { validationReportHtml } from '../../../src/cohort/validation/report-html.js';
import { runValidation, type SlideValue } from '../../../src/cohort/validation/validation.js';
import { validationPlots } from '../../../src/cohort/validation/validation-plots.js';

const PATIENTS = ['P01', 'P02', 'P03', 'P04', 'P05', 'P06'];
const TRUE_DENSITY = [50, 80, 120, 200, 310, 400];
// multiplicative errors whose logs are symmetric, so each method's geometric mean ratio is exact
const UP = [1.1, 1 / 1.1, 1.2, 1 / 1.2, 1.05, 1 / 1.05];
const DOWN = [1 / 1.2, 1.2, 1 / 1.05, 1.05, 1.1, 1 / 1.1];

const tool: SlideValue[] = PATIENTS.map((patient, i) => ({ patient, timepoint: 'baseline', marker: 'CD163', score: 'density', value: TRUE_DENSITY[i] }));
const read = (rater: string, score: string, marker: string, values: number[], timepoint = 'baseline'): ManualScore[] =>
  PATIENTS.map((patient, i) => ({ patient, timepoint, marker, rater, date: '2025-01-02', score, value: values[i], source: 'test' })) as ManualScore[];
const manual = [
  ...read('dr.a', 'density', 'CD163', TRUE_DENSITY.map((v, i) => 1.25 * v * UP[i])),
  ...read('dr.b', 'density', 'CD163', TRUE_DENSITY.map((v, i) => 0.8 * v * DOWN[i])),
];

describe('method comparison', () => {
  const report = runValidation(tool, manual, { score: 'density' });

  it('pairs the tool with each rater and the raters with each other, slide by slide', () => {
    expect(report.results).toHaveLength(1);
    const r = report.results[0];
    expect([r.marker, r.raters, r.slides, r.scale]).toEqual(['CD163', ['dr.a', 'dr.b'], 6, { kind: 'count' }]);
    expect(r.pairs.map((p) => [p.a, p.b, p.kind, p.n])).toEqual([
      ['tool', 'dr.a', 'tool-vs-rater', 6],
      ['tool', 'dr.b', 'tool-vs-rater', 6],
      ['dr.a', 'dr.b', 'rater-vs-rater', 6],
    ]);
    expect(r.pairs[0].points[2]).toEqual({ slide: 'P03:baseline:CD163', a: 120, b: 1.25 * 120 * 1.2 });
  });

  it('recovers each planted proportional bias as the geometric mean ratio', () => {
    const [toolA, toolB, ab] = report.results[0].pairs;
    expect(toolA.ratio!.bias).toBeCloseTo(1 / 1.25, 12);
    expect(toolB.ratio!.bias).toBeCloseTo(1 / 0.8, 12);
    expect(ab.ratio!.bias).toBeCloseTo(1.25 / 0.8, 12);
    expect(toolA.ccc!.ccc).toBeLessThan(toolA.ccc!.pearson);
    expect(toolA.passingBablok!.slope).toBeGreaterThan(0);
  });

  it('says whether the tool lies inside the raters\' spread, by the span of the ratio limits', () => {
    const s = report.results[0].spread!;
    expect(s.better).toBe('lower');
    // tool vs rater: one rater's errors only; rater vs rater: both raters' errors, so wider
    expect(s.toolVsRater.every((t) => t.value < s.raterVsRater[0].value)).toBe(true);
    expect(s.inside).toBe(true);
    // a tool as noisy as both raters together is outside
    const noisy = tool.map((t, i) => ({ ...t, value: t.value * (i % 2 ? 1.6 : 1 / 1.6) }));
    expect(runValidation(noisy, manual, { score: 'density' }).results[0].spread!.inside).toBe(false);
  });

  it('keeps only the chosen raters and slides, and with signed-off only the slides the tool has', () => {
    const one = runValidation(tool, manual, { score: 'density', raters: ['dr.b'], slides: ['P01:baseline', 'P02:baseline', 'P03:baseline'] });
    expect(one.results[0].pairs.map((p) => [p.a, p.b, p.n])).toEqual([['tool', 'dr.b', 3]]);
    expect(one.results[0].spread!.inside).toBeNull();
    const signed = runValidation(tool.slice(0, 4), manual, { score: 'density', signedOffOnly: true });
    expect(signed.results[0].pairs.map((p) => p.n)).toEqual([4, 4, 4]);
    expect(runValidation(tool.slice(0, 4), manual, { score: 'density' }).results[0].pairs.map((p) => p.n)).toEqual([4, 4, 6]);
  });

  it('compares grades by weighted κ and a confusion matrix, and notes what cannot be computed', () => {
    const grades = runValidation(
      [0, 1, 2, 3, 4, 5].map((g, i) => ({ patient: PATIENTS[i], timepoint: 'baseline', marker: 'MHC-I', score: 'mhc1Grade', value: g })),
      [...read('dr.a', 'mhc1Grade', 'MHC-I', [0, 1, 2, 3, 4, 5]), ...read('dr.b', 'mhc1Grade', 'MHC-I', [0, 2, 2, 3, 5, 5])],
      { score: 'mhc1Grade' },
    ).results[0];
    const [toolA, toolB] = grades.pairs;
    expect(toolA.kappa!.kappa).toBeCloseTo(1, 12);
    expect(toolA.weightedKappa!.kappa).toBeCloseTo(1, 12);
    expect(toolB.confusion!.counts[1]).toEqual([0, 0, 1, 0, 0, 0]);
    expect(toolB.kappa!.po).toBeCloseTo(4 / 6, 12);
    expect(toolB.blandAltman).toBeNull();
    expect(grades.icc.withTool!.k).toBe(3);

    const two = runValidation(tool.slice(0, 2), manual, { score: 'density', raters: ['dr.a'] }).results[0];
    expect(two.pairs[0].n).toBe(2);
    expect(two.pairs[0].blandAltman).toBeNull();
    expect(two.pairs[0].notes).toContain('Bland–Altman: Bland–Altman needs at least 3 pairs, got 2');
  });

  it('draws a Bland–Altman and an identity plot per numeric pair and files them in a self-contained report', () => {
    const plots = validationPlots(report.results[0]);
    expect(plots.map((p) => p.file)).toEqual([
      'density-CD163-tool-vs-dr.a-bland-altman.svg',
      'density-CD163-tool-vs-dr.a-identity.svg',
      'density-CD163-tool-vs-dr.b-bland-altman.svg',
      'density-CD163-tool-vs-dr.b-identity.svg',
      'density-CD163-dr.a-vs-dr.b-bland-altman.svg',
      'density-CD163-dr.a-vs-dr.b-identity.svg',
    ]);
    for (const p of plots) expect(p.svg.match(/class="point"/g)).toHaveLength(6);
    const html = validationReportHtml(report, new Map([['CD163', plots]]), { generatedAt: '2025-06-02T10:00:00Z', request: 'density, all raters' });
    expect(html.match(/<svg /g)).toHaveLength(6);
    expect(html).toContain('tool inside the human spread: yes');
    expect(html).not.toMatch(/<script|<link|src="/);
    for (const m of report.methods) expect(html).toContain(m.replace(/&/g, '&amp;').replace(/'/g, '&apos;'));
  });
});
