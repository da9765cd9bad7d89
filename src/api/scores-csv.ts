import { csvText, type CsvCell } from '../cohort/csv-text.js';
import { biopsyOf } from '../domain/biopsy.js';
import { fieldValue, SCORE_FIELDS } from '../domain/score-fields.js';
import type { ScoreRow } from '../store/store.js';

/**
 * Column name (units in the name) → value. The scores are the score fields table
 * (src/domain/score-fields.ts), one column per field whatever the marker, so every row has the
 * same header: a field of a scorer the marker does not run, or one that was skipped (named in
 * skipped_scorers), is empty. Score definitions: SCIENCE.md "Scores".
 */
const COLUMNS: [string, (r: ScoreRow) => CsvCell][] = [
  ['analysis_id', (r) => r.analysisId],
  ['slide_id', (r) => r.slideId],
  ['path', (r) => r.path],
  ['patient', (r) => r.patient],
  ['timepoint', (r) => r.timepoint],
  ['biopsy', (r) => biopsyOf(r.patient, r.timepoint)],
  ['marker', (r) => r.marker],
  ['slide_mpp_um_per_px', (r) => r.slideMpp],
  ['analysis_mpp_um_per_px', (r) => r.analysisMpp],
  // the pathologist's review: a signed-off row's scores are the scores as signed (issue 12)
  ['review_state', (r) => r.review.state],
  ['review_version', (r) => r.review.version],
  ['corrections', (r) => r.review.corrections],
  ...SCORE_FIELDS.map((f): [string, (r: ScoreRow) => CsvCell] => [f.csv, (r) => fieldValue(f, r)]),
  ['marker_id', (r) => r.markerScores?.marker],
  ['skipped_scorers', (r) => (r.markerScores && r.markerScores.skipped.length > 0 ? r.markerScores.skipped.map((s) => s.scorer).join(';') : null)],
  ['stain_source', (r) => r.stain.source],
  ['params_hash', (r) => r.paramsHash],
  ['code_version', (r) => r.codeVersion],
  ['model_id', (r) => r.modelId],
  ['computed_at', (r) => r.computedAt.toISOString()],
];

export const SCORE_CSV_HEADER = COLUMNS.map(([name]) => name);

/** A header row, then one row per finished analysis (src/cohort/csv-text.ts: RFC 4180, CRLF, formula guard). */
export function scoresCsv(rows: ScoreRow[]): string {
  return csvText(SCORE_CSV_HEADER, rows.map((r) => COLUMNS.map(([, get]) => get(r))));
}
