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

/** The marker's own scores, one line per analysed slide that has them; empty when none has. */
export function markerLines(outcomes: SlideOutcome[], labels?: string[]): string {
  const lines: string[] = [];
  outcomes.forEach((o, i) => {
    if (!o.ok || !o.markerScores) return;
    const m = o.markerScores;
    const parts: string[] = [];
    if (m.mhc1) parts.push(`MHC-I ${m.mhc1.positive}/${m.mhc1.fibres} fibres positive (${fmt(m.mhc1.percentPositive)}%), grade ${m.mhc1.grade}, ${m.mhc1.pattern}`);
    if (m.cd163) {
      const loc = m.cd163.byLocation;
      parts.push(`CD163+ ${fmt(m.cd163.positiveCellsPerMm2)}/mm²` + (loc ? ` (endomysial ${fmt(loc.endomysial.cellsPerMm2)}, perimysial ${fmt(loc.perimysial.cellsPerMm2)}, perivascular ${fmt(loc.perivascular.cellsPerMm2)})` : '') + `, ${fmt(m.cd163.pctPositiveArea, 2)}% area`);
    }
    if (m.infiltrates) {
      const b = m.infiltrates.byLocation;
      parts.push(`infiltrates ${fmt(m.infiltrates.cellsPerMm2)}/mm², ${m.infiltrates.clusters.length} cluster(s); grades endomysial ${b.endomysial.gradeLabel}, perimysial ${b.perimysial.gradeLabel}, perivascular ${b.perivascular.gradeLabel}`);
    }
    if (m.il1) parts.push(`${m.marker} ${m.il1.expressed ? 'expressed' : 'not expressed'}`);
    for (const s of m.skipped) parts.push(`${s.scorer} skipped: ${s.reason}`);
    lines.push(`${labels?.[i]?.split('\n')[0] ?? path.basename(o.path)} [${m.marker}]: ${parts.join('; ')}`);
  });
  return lines.join('\n');
}
