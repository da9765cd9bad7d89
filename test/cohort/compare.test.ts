import { describe, expect, it } from 'vitest';
import { correlation, groupComparison, pairedComparison, proportionComparison } from '../../src/cohort/compare.js';
import { outcomeRows, withResponders } from '../../src/cohort/compare-inputs.js';
import type { OutcomeRow, ScoreRow } from '../../src/cohort/compare-schemas.js';
import { comparisonTable } from '../../src/cohort/compare-table.js';
import { imacsResponders } from '../../src/cohort/imacs.js';
import { AnalysisError } from '../../src/errors/index.js';
import { Visit } from '../../src/domain/outcome.js';

// The textbook data sets of test/cohort/stats.test.ts, dressed as cohort score rows so the
// known answers carry over: Hollander & Wolfe depression (paired), permeability (two groups)
// and the cor.test example (Spearman), as in the R documentation.
const DEP_X = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const DEP_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];

function row(patient: string, timepoint: string, value: number, extra: Partial<ScoreRow> = {}): ScoreRow {
  return { patient, timepoint, marker: 'IL-1Ra', score: 'hScore', value, ...extra };
}

// D1–D5 responders, D6–D9 non-responders; month-6 = x, baseline = y
const PAIRED: ScoreRow[] = DEP_X.flatMap((x, i) => {
  const responder = i < 5;
  return [row(`D${i + 1}`, 'baseline', DEP_Y[i], { responder }), row(`D${i + 1}`, 'month-6', x, { responder })];
}).concat([row('D10', 'baseline', 2.2, { responder: true })]); // no month-6 biopsy: not a pair

describe('paired comparison (Wilcoxon signed-rank)', () => {
  it('baseline → month-6 on the patients with both biopsies: V = 40, p = 0.03906', () => {
    const [r] = pairedComparison(PAIRED, { marker: 'IL-1Ra', score: 'hScore', from: 'baseline', to: 'month-6' });
    expect(r.test).toBe('wilcoxon-signed-rank');
    expect(r.n).toBe(9);
    expect(r.statistic).toBe(40);
    expect(r.p).toBeCloseTo(0.0390625, 10);
    expect(r.effectSize).toBeCloseTo(35 / 45, 12);
    expect(r.method).toBe('Wilcoxon signed-rank, exact');
    // R-7 quantiles of the nine values: positions 2, 4, 6 of the sorted sample (0-based)
    expect(r.groups).toEqual([
      { label: 'baseline', n: 9, median: 1.06, q1: 0.878, q3: 1.29 },
      { label: 'month-6', n: 9, median: 1.68, q1: 1.55, q3: 1.88 },
    ]);
    expect(r.quantileMethod).toContain('R-7');
    expect(r.q).toBeNull();
  });

  it('per responder group (hand-counted exact p)', () => {
    const [resp, non] = pairedComparison(PAIRED, { marker: 'IL-1Ra', score: 'hScore', from: 'baseline', to: 'month-6', by: 'responder' });
    // responders: d = 0.952, −0.147, 1.022, 0.43, 0.62 → V = 2+3+4+5 = 14; P(V ≥ 14) = 2/32
    expect(resp.comparison).toBe('baseline → month-6, responders');
    expect([resp.n, resp.statistic]).toEqual([5, 14]);
    expect(resp.p).toBeCloseTo(4 / 32, 12);
    // non-responders: d = 0.59, 0.49, −0.08, 0.01 → V = 1+3+4 = 8; P(V ≥ 8) = 3/16
    expect([non.n, non.statistic]).toEqual([4, 8]);
    expect(non.p).toBeCloseTo(6 / 16, 12);
  });

  it('gives a row without p when no patient has both timepoints', () => {
    const [r] = pairedComparison(PAIRED, { marker: 'IL-1Ra', score: 'hScore', from: 'baseline', to: 'month-12' });
    expect(r.p).toBeNull();
    expect(r.n).toBe(0);
    expect(r.method).toMatch(/^not computed: no patient has both baseline and month-12/);
  });

  it('refuses two values for one biopsy and contradicting responder status', () => {
    const twice = [...PAIRED, row('D1', 'baseline', 9)];
    expect(() => pairedComparison(twice, { marker: 'IL-1Ra', score: 'hScore', from: 'baseline', to: 'month-6' })).toThrow(AnalysisError);
    const contra = [...PAIRED, row('D1', 'month-12', 9, { responder: false })];
    expect(() => pairedComparison(contra, { marker: 'IL-1Ra', score: 'hScore', from: 'baseline', to: 'month-6', by: 'responder' })).toThrow(/both responder and non-responder/);
    expect(() => pairedComparison([row('D1', 'baseline', NaN)], { marker: 'IL-1Ra', score: 'hScore', from: 'baseline', to: 'month-6' })).toThrow();
  });
});

describe('group comparison (Mann–Whitney)', () => {
  const resp = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const non = [1.15, 0.88, 0.9, 0.74, 1.21];
  const rows: ScoreRow[] = [
    ...resp.map((v, i) => row(`R${i + 1}`, 'month-6', v, { responder: true })),
    ...non.map((v, i) => row(`N${i + 1}`, 'month-6', v, { responder: false })),
    row('U1', 'month-6', 5), // responder status unknown: left out
    row('R1', 'baseline', 3, { responder: true }), // other timepoint
  ];

  it('responders vs non-responders: W = 35, two-sided p = 0.2544, δ = 0.4', () => {
    const r = groupComparison(rows, { marker: 'IL-1Ra', score: 'hScore', timepoint: 'month-6' });
    expect(r.n).toBe(15);
    expect(r.statistic).toBe(35);
    expect(r.p).toBeCloseTo(0.2544122544, 9);
    expect(r.effectSize).toBeCloseTo(0.4, 12);
    expect(r.groups.map((g) => [g.label, g.n, g.median])).toEqual([
      ['responders', 10, 1.415],
      ['non-responders', 5, 0.9],
    ]);
  });

  it('gives a row without p when a group is empty', () => {
    const r = groupComparison(rows.filter((x) => x.responder !== false), { marker: 'IL-1Ra', score: 'hScore', timepoint: 'month-6' });
    expect(r.p).toBeNull();
    expect(r.method).toMatch(/^not computed/);
  });
});

describe('correlation (Spearman)', () => {
  const x = [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1];
  const y = [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8];
  const scores = x.map((v, i) => row(`S${i + 1}`, 'baseline', v));
  const ckBase = [900, 1200, 400, 2500, 700, 1500, 300, 800, 2000];
  const outcomes: OutcomeRow[] = [
    ...y.map((v, i) => ({ patient: `S${i + 1}`, timepoint: 'month-6', measure: 'mmt8', value: v })),
    ...ckBase.map((v, i) => ({ patient: `S${i + 1}`, timepoint: 'baseline', measure: 'ck', value: v })),
    ...ckBase.map((v, i) => ({ patient: `S${i + 1}`, timepoint: 'month-6', measure: 'ck', value: v + y[i] })),
  ];

  it('baseline score vs month-6 outcome: ρ = 0.6, S = 48, two-sided p = 2 × 0.0484', () => {
    const r = correlation(scores, outcomes, { marker: 'IL-1Ra', score: 'hScore', measure: 'mmt8', at: 'month-6' });
    expect(r.n).toBe(9);
    expect(r.effectSize).toBeCloseTo(0.6, 12);
    expect(r.statistic).toBeCloseTo(48, 9);
    expect(Number(r.p!.toPrecision(3))).toBe(0.0968);
    expect(r.comparison).toBe('hScore at baseline vs mmt8 at month-6');
  });

  it('baseline score vs change of an outcome (month-6 − baseline)', () => {
    // CK change constructed to equal y exactly: same ρ
    const r = correlation(scores, outcomes, { marker: 'IL-1Ra', score: 'hScore', measure: 'ck', at: 'month-6', changeFrom: 'baseline' });
    expect(r.effectSize).toBeCloseTo(0.6, 12);
    expect(r.groups[1].label).toBe('change in ck baseline → month-6');
    expect(r.groups[1].median).toBeCloseTo(3.6, 9);
  });
});

describe('proportion comparison (Fisher)', () => {
  // IL-1Ra expressed post-treatment in 7/7 responders vs 3/8 non-responders (SCIENCE.md)
  const rows: ScoreRow[] = [
    ...Array.from({ length: 7 }, (_, i) => row(`R${i + 1}`, 'month-6', 1, { responder: true, expressed: true })),
    ...Array.from({ length: 8 }, (_, i) => row(`N${i + 1}`, 'month-6', i < 3 ? 1 : 0, { responder: false, expressed: i < 3 })),
    row('X1', 'month-6', 1, { responder: false }), // no expressed call: left out
  ].map((r) => ({ ...r, score: 'il1Expressed' }));

  it('7/7 vs 3/8: two-sided p = 0.0256', () => {
    const r = proportionComparison(rows, { marker: 'IL-1Ra', score: 'il1Expressed', timepoint: 'month-6' });
    expect(Number(r.p!.toPrecision(3))).toBe(0.0256);
    expect(r.n).toBe(15);
    expect(r.groups.map((g) => [g.label, g.n, g.events])).toEqual([
      ['responders', 7, 7],
      ['non-responders', 8, 3],
    ]);
    expect(r.effectSize).toBeCloseTo((7.5 * 5.5) / (0.5 * 3.5), 12);
    expect(r.effectSizeName).toContain('Haldane');
  });
});

describe('comparison table', () => {
  it('one row per marker × score, BH q across the rows that have a p', () => {
    const rows: ScoreRow[] = [
      ...PAIRED.map((r) => ({ ...r, marker: 'A' })),
      // B: no change at all → not computed
      ...[1, 2, 3].flatMap((v, i) => [row(`B${i}`, 'baseline', v, { marker: 'B' }), row(`B${i}`, 'month-6', v, { marker: 'B' })]),
      // C: five patients all rising, distinct changes → V = 15, exact p = 2/32
      ...[1, 2, 3, 4, 5].flatMap((v, i) => [row(`C${i}`, 'baseline', 0, { marker: 'C' }), row(`C${i}`, 'month-6', v, { marker: 'C' })]),
    ];
    const t = comparisonTable(rows, { kind: 'paired', from: 'baseline', to: 'month-6' });
    expect(t.map((r) => [r.marker, r.p === null ? null : Number(r.p.toFixed(7))])).toEqual([
      ['A', 0.0390625],
      ['B', null],
      ['C', 0.0625],
    ]);
    // m = 2: q(A) = min(0.0390625·2/1, q(C)), q(C) = 0.0625·2/2
    expect(t.map((r) => r.q)).toEqual([0.0625, null, 0.0625]);
    expect(comparisonTable(rows, { kind: 'paired', from: 'baseline', to: 'month-6', markers: ['C'] })[0].q).toBeCloseTo(0.0625, 12);
  });

  it('builds responder comparisons from IMACS results and visits', () => {
    const base = { date: '2024-01-01', physicianGlobal: 6, patientGlobal: 5, mmt8: 60, haq: 1.5, extramuscular: 4, ck: 2000 };
    const visits = [
      Visit.parse({ ...base, patient: 'P1', timepoint: 'baseline' }),
      Visit.parse({ ...base, patient: 'P1', timepoint: 'month-6', physicianGlobal: 3, patientGlobal: 3, haq: 1 }),
      Visit.parse({ ...base, patient: 'P2', timepoint: 'baseline' }),
      Visit.parse({ ...base, patient: 'P2', timepoint: 'month-6', mmt8: 30 }),
      Visit.parse({ ...base, patient: 'P3', timepoint: 'baseline' }),
      Visit.parse({ ...base, patient: 'P3', timepoint: 'month-6', physicianGlobal: 3, patientGlobal: 3, haq: 1, mmt8: undefined }),
    ];
    const rows = withResponders(
      [row('P1', 'month-6', 10), row('P2', 'month-6', 2, { responder: true }), row('P3', 'month-6', 5, { responder: true })],
      imacsResponders(visits),
    );
    // P3 is undecided (MMT-8 missing): its stale status is dropped
    expect(rows.map((r) => r.responder)).toEqual([true, false, undefined]);
    const out = outcomeRows(visits.slice(0, 1));
    expect(out).toHaveLength(6);
    expect(out.find((o) => o.measure === 'mmt8')).toEqual({ patient: 'P1', timepoint: 'baseline', measure: 'mmt8', value: 60 });
  });
});
