import { correlation, groupComparison, pairedComparison, proportionComparison } from './compare.js';
import { OutcomeRow, ScoreRow, TableSpec, type ComparisonRow } from './compare-schemas.js';
import { benjaminiHochberg } from './stats/benjamini-hochberg.js';

/**
 * One comparison across every marker × score (or the ones named), with Benjamini–Hochberg
 * q-values over the rows of this table: the table is the family of tests whose false discovery
 * rate is controlled. Rows without a p (not computed) get no q and do not count.
 */
export function comparisonTable(rows: readonly ScoreRow[], spec: TableSpec, outcomes: readonly OutcomeRow[] = []): ComparisonRow[] {
  const s = TableSpec.parse(spec);
  const valid = rows.map((r) => ScoreRow.parse(r));
  const markers = s.markers ?? [...new Set(valid.map((r) => r.marker))].sort();
  const scores = s.scores ?? [...new Set(valid.map((r) => r.score))].sort();
  const out: ComparisonRow[] = [];
  for (const marker of markers) {
    for (const score of scores) {
      // a marker that was never scored this way is no comparison, not a failed one
      if (!valid.some((r) => r.marker === marker && r.score === score)) continue;
      switch (s.kind) {
        case 'paired':
          out.push(...pairedComparison(valid, { marker, score, from: s.from, to: s.to, by: s.by }));
          break;
        case 'group':
          out.push(groupComparison(valid, { marker, score, timepoint: s.timepoint }));
          break;
        case 'correlation':
          out.push(correlation(valid, outcomes, { marker, score, timepoint: s.timepoint, measure: s.measure, at: s.at, changeFrom: s.changeFrom }));
          break;
        case 'proportion':
          out.push(proportionComparison(valid, { marker, score, timepoint: s.timepoint }));
          break;
      }
    }
  }
  return withQValues(out);
}

/** Adds Benjamini–Hochberg q-values across the given rows. */
export function withQValues(rows: readonly ComparisonRow[]): ComparisonRow[] {
  const q = benjaminiHochberg(rows.map((r) => r.p));
  return rows.map((r, i) => ({ ...r, q: q[i] }));
}
