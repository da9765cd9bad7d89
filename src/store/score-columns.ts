import type { SlideScores } from '../domain/scores.js';
import type { MarkerScores } from '../score/marker-scores.js';

/**
 * SlideScores field → slide_scores column. The one place the two namings meet: inserts and
 * reads are generated from it, and `satisfies` fails the build if a score field has no column.
 */
export const SCORE_COLUMNS = {
  tissueAreaMm2: 'tissue_area_mm2',
  cells: 'cells',
  cellsPerMm2: 'cells_per_mm2',
  positiveCells: 'positive_cells',
  positiveCellsPerMm2: 'positive_cells_per_mm2',
  pctNegative: 'pct_negative',
  pct1: 'pct_1plus',
  pct2: 'pct_2plus',
  pct3: 'pct_3plus',
  pctPositive: 'pct_positive',
  hScore: 'h_score',
  allredProportion: 'allred_proportion',
  allredIntensity: 'allred_intensity',
  allred: 'allred',
  pctPositiveArea: 'pct_positive_area',
  pixelHScore: 'pixel_h_score',
} as const satisfies Record<keyof SlideScores, string>;

const FIELDS = Object.keys(SCORE_COLUMNS) as (keyof SlideScores)[];

/**
 * `INSERT ... ON CONFLICT` for one analysis's scores; $1 is the analysis id, then FIELDS in order,
 * then the marker scores (jsonb). A conflict replaces the marker scores too, NULL included, so a
 * re-run without them does not keep the previous run's.
 */
export const UPSERT_SCORES_SQL = `INSERT INTO slide_scores (analysis_id, ${FIELDS.map((f) => SCORE_COLUMNS[f]).join(', ')}, marker_scores)
VALUES ($1, ${FIELDS.map((_, i) => `$${i + 2}`).join(', ')}, $${FIELDS.length + 2})
ON CONFLICT (analysis_id) DO UPDATE SET ${FIELDS.map((f) => `${SCORE_COLUMNS[f]} = excluded.${SCORE_COLUMNS[f]}`).join(', ')}, marker_scores = excluded.marker_scores, computed_at = now()`;

export function scoreParams(analysisId: number, scores: SlideScores, markerScores: MarkerScores | null): unknown[] {
  return [analysisId, ...FIELDS.map((f) => scores[f]), markerScores];
}

/** Select list aliasing each column to its field name, for a table aliased `alias`. */
export function scoreSelectList(alias: string): string {
  return `${FIELDS.map((f) => `${alias}.${SCORE_COLUMNS[f]} AS "score_${f}"`).join(', ')}, ${alias}.marker_scores AS "marker_scores"`;
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
