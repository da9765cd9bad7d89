import Table from 'cli-table3';
import type { ComparisonRow, GroupSummary } from '../cohort/compare-schemas.js';

/** three significant digits, as the comparisons are reported; '–' where nothing was computed */
export function sig3(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

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
