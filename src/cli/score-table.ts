import Table from 'cli-table3';
import path from 'node:path';
import { fieldValue, formatField, SCORE_FIELDS } from '../domain/score-fields.js';
import type { SlideOutcome } from '../pipeline/analyse-slide.js';

/** The table's columns: the headline score fields (src/domain/score-fields.ts). */
const SUMMARY = SCORE_FIELDS.filter((f) => f.summary);
/** The marker lines: the fields of the muscle-specific scorers, grouped by scorer. */
const MARKER_FIELDS = SCORE_FIELDS.filter((f) => f.scorer !== 'cells' && f.scorer !== 'area');

/** One row per slide; a failed slide shows its error on its own row. */
export function scoreTable(outcomes: SlideOutcome[], labels?: string[]): string {
  const table = new Table({
    head: ['slide', ...SUMMARY.map((f) => f.label)],
    style: { head: [], border: [] },
    wordWrap: true,
  });
  outcomes.forEach((o, i) => {
    const name = labels?.[i] ?? path.basename(o.path);
    if (!o.ok) {
      table.push([name, { colSpan: SUMMARY.length, content: `FAILED: ${o.error}` }]);
      return;
    }
    const slide = { scores: o.scores, markerScores: o.markerScores ?? null, qc: o.qc ?? null };
    table.push([name, ...SUMMARY.map((f) => formatField(f, fieldValue(f, slide)))]);
  });
  return table.toString();
}

/** The marker's own scores, one line per analysed slide that has them; empty when none has. */
export function markerLines(outcomes: SlideOutcome[], labels?: string[]): string {
  const lines: string[] = [];
  outcomes.forEach((o, i) => {
    if (!o.ok || !o.markerScores) return;
    const m = o.markerScores;
    const slide = { scores: o.scores, markerScores: m };
    const byScorer = new Map<string, string[]>();
    for (const f of MARKER_FIELDS) {
      const v = fieldValue(f, slide);
      if (v === undefined) continue;
      byScorer.set(f.scorer, [...(byScorer.get(f.scorer) ?? []), `${f.label} ${formatField(f, v)}`]);
    }
    const parts = [...byScorer].map(([scorer, values]) => `${scorer}: ${values.join(', ')}`);
    for (const s of m.skipped) parts.push(`${s.scorer} skipped: ${s.reason}`);
    lines.push(`${labels?.[i]?.split('\n')[0] ?? path.basename(o.path)} [${m.marker}]: ${parts.join('; ')}`);
  });
  return lines.join('\n');
}
