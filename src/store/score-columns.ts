import { SCORE_FIELDS, slideScoreKey } from '../domain/score-fields.js';
import { SlideScores } from '../domain/scores.js';
import { StoreError } from '../errors/index.js';
import type { MarkerScores } from '../score/marker-scores.js';
import type { QcSummary } from '../domain/qc.js';

/**
 * SlideScores field → slide_scores column, from the score fields table (src/domain/score-fields.ts):
 * inserts and reads are generated from it. Loading fails if a SlideScores field has no column, so
 * a score cannot be computed and silently not stored.
 */
export const SCORE_COLUMNS: Readonly<Record<keyof SlideScores, string>> = (() => {
  const columns: Partial<Record<keyof SlideScores, string>> = {};
  for (const f of SCORE_FIELDS) {
    const key = slideScoreKey(f);
    if (key === undefined) continue;
    if (!(key in SlideScores.shape)) throw new StoreError(`score field ${f.name} has store column ${f.column} but SlideScores has no field ${key}`);
    columns[key as keyof SlideScores] = f.column!;
  }
  const missing = SlideScores.keyof().options.filter((k) => !(k in columns));
  if (missing.length > 0) throw new StoreError(`SlideScores fields without a store column in SCORE_FIELDS: ${missing.join(', ')}`);
  return columns as Record<keyof SlideScores, string>;
})();

const FIELDS = Object.keys(SCORE_COLUMNS) as (keyof SlideScores)[];

/**
 * `INSERT ... ON CONFLICT` for one analysis's scores; $1 is the analysis id, then FIELDS in order,
 * then the marker scores and the QC summary (jsonb). A conflict replaces both too, NULL included,
 * so a re-run without them does not keep the previous run's.
 */
export const UPSERT_SCORES_SQL = `INSERT INTO slide_scores (analysis_id, ${FIELDS.map((f) => SCORE_COLUMNS[f]).join(', ')}, marker_scores, qc)
VALUES ($1, ${FIELDS.map((_, i) => `$${i + 2}`).join(', ')}, $${FIELDS.length + 2}, $${FIELDS.length + 3})
ON CONFLICT (analysis_id) DO UPDATE SET ${FIELDS.map((f) => `${SCORE_COLUMNS[f]} = excluded.${SCORE_COLUMNS[f]}`).join(', ')}, marker_scores = excluded.marker_scores, qc = excluded.qc, computed_at = now()`;

export function scoreParams(analysisId: number, scores: SlideScores, markerScores: MarkerScores | null, qc: QcSummary | null = null): unknown[] {
  return [analysisId, ...FIELDS.map((f) => scores[f]), markerScores, qc];
}

/** Select list aliasing each column to its field name, for a table aliased `alias`. */
export function scoreSelectList(alias: string): string {
  return `${FIELDS.map((f) => `${alias}.${SCORE_COLUMNS[f]} AS "score_${f}"`).join(', ')}, ${alias}.marker_scores AS "marker_scores", ${alias}.qc AS "qc"`;
}

/** jsonb comes back parsed from both drivers; it was validated with QcSummary when stored. */
export function qcFromRow(row: Record<string, unknown>): QcSummary | null {
  return (row.qc ?? null) as QcSummary | null;
}

/** jsonb comes back parsed from both drivers; it was validated with MarkerScores when stored. */
export function markerScoresFromRow(row: Record<string, unknown>): MarkerScores | null {
  return (row.marker_scores ?? null) as MarkerScores | null;
}

export function scoresFromRow(row: Record<string, unknown>): SlideScores {
  const scores = {} as Record<keyof SlideScores, number>;
  for (const f of FIELDS) scores[f] = Number(row[`score_${f}`]);
  return scores;
}
