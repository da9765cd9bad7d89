import { COHORT_EFFECTS, type CohortEffect } from '../synthetic/cohort/planted-effects.js';
import { correlation, groupComparison, pairedComparison, proportionComparison } from '../cohort/compare.js';
import type { ComparisonRow, OutcomeRow, ScoreRow } from '../cohort/compare-schemas.js';
import { withQValues } from '../cohort/compare-table.js';

/** The significance level the demo reports "found" at (the acceptance: p < 0.05). */
export const DEMO_ALPHA = 0.05;

export interface DemoComparison {
  effect: CohortEffect;
  row: ComparisonRow;
  /** p < DEMO_ALPHA, and for a planted effect in its planted direction */
  found: boolean;
}

/** The compare.ts row that tests one effect. */
export function effectRow(rows: readonly ScoreRow[], outcomes: readonly OutcomeRow[], effect: CohortEffect): ComparisonRow {
  const c = effect.comparison;
  switch (c.kind) {
    case 'paired': {
      if (c.group === 'all') return pairedComparison(rows, { marker: c.marker, score: c.score, from: c.from, to: c.to })[0];
      const both = pairedComparison(rows, { marker: c.marker, score: c.score, from: c.from, to: c.to, by: 'responder' });
      return both.find((r) => r.comparison.endsWith(`, ${c.group}`))!;
    }
    case 'group':
      return groupComparison(rows, { marker: c.marker, score: c.score, timepoint: c.timepoint });
    case 'correlation':
      return correlation(rows, outcomes, { marker: c.marker, score: c.score, timepoint: c.timepoint, measure: c.measure, at: c.at, changeFrom: c.changeFrom });
    case 'proportion':
      return proportionComparison(rows, { marker: c.marker, score: c.score, timepoint: c.timepoint });
  }
}

/** sign of the effect on the scale where 0 is "no effect" (odds ratios: 1) */
function effectSign(row: ComparisonRow): number {
  if (row.effectSize === null) return 0;
  return Math.sign(row.test === 'fisher-exact' ? row.effectSize - 1 : row.effectSize);
}

/**
 * Every planted and null comparison of the demo cohort over the given rows, with
 * Benjamini–Hochberg q over the whole table (one family of tests).
 */
export function demoComparisonTable(
  rows: readonly ScoreRow[],
  outcomes: readonly OutcomeRow[],
  effects: readonly CohortEffect[] = COHORT_EFFECTS,
): DemoComparison[] {
  const table = withQValues(effects.map((e) => effectRow(rows, outcomes, e)));
  return table.map((row, i) => {
    const effect = effects[i];
    const significant = row.p !== null && row.p < DEMO_ALPHA;
    const found = significant && (effect.sign === undefined || effectSign(row) === effect.sign);
    return { effect, row, found };
  });
}
