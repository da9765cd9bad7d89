import Table from 'cli-table3';
import type { ComparisonRow, GroupSummary } from '../cohort/compare-schemas.js';
import { sig3 } from '../cohort/format-number.js';

export { sig3 };

function groupCell(g: GroupSummary): string {
  const events = g.events === undefined ? '' : ` ${g.events}/${g.n}`;
  return `${g.label ? `${g.label}: ` : ''}n=${g.n}${events} ${sig3(g.median)} [${sig3(g.q1)}, ${sig3(g.q3)}]`;
}

/** Comparison rows as a terminal table: n, median [IQR] per group, effect size, p, q, method. */
export function comparisonTableText(rows: readonly ComparisonRow[]): string {
  const table = new Table({
    head: ['marker', 'score', 'comparison', 'n', 'median [IQR]', 'effect size', 'p', 'q', 'method'],
    style: { head: [], border: [] },
  });
  for (const r of rows) {
    table.push([r.marker, r.score, r.comparison, r.n, r.groups.map(groupCell).join('\n'), `${sig3(r.effectSize)} (${r.effectSizeName})`, sig3(r.p), sig3(r.q), `${r.test}: ${r.method}`]);
  }
  return table.toString();
}
