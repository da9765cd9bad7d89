import Table from 'cli-table3';
import path from 'node:path';
import type { SlideOutcome } from '../pipeline/analyse-slide.js';

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

/** One row per slide; a failed slide shows its error on its own row. */
export function scoreTable(outcomes: SlideOutcome[], labels?: string[]): string {
  const table = new Table({
    head: ['slide', 'tissue mm²', 'cells', 'cells/mm²', 'pos/mm²', '% pos', '1+ %', '2+ %', '3+ %', 'H-score', 'Allred', '% DAB area', 'pixel H'],
    style: { head: [], border: [] },
    wordWrap: true,
  });
  outcomes.forEach((o, i) => {
    const name = labels?.[i] ?? path.basename(o.path);
    if (!o.ok) {
      table.push([name, { colSpan: 12, content: `FAILED: ${o.error}` }]);
      return;
    }
    const s = o.scores;
    table.push([
      name,
      fmt(s.tissueAreaMm2, 3),
      String(s.cells),
      fmt(s.cellsPerMm2, 0),
      fmt(s.positiveCellsPerMm2, 0),
      fmt(s.pctPositive),
      fmt(s.pct1),
      fmt(s.pct2),
      fmt(s.pct3),
      fmt(s.hScore),
      String(s.allred),
      fmt(s.pctPositiveArea, 2),
      fmt(s.pixelHScore),
    ]);
  });
  return table.toString();
}
