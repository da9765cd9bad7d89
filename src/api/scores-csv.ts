import { CELL_LOCATIONS, type CellLocation } from '../score/cell-location.js';
import type { MarkerScores } from '../score/marker-scores.js';
import type { ScoreRow } from '../store/store.js';
import { biopsyOf } from '../domain/biopsy.js';

type Cell = string | number | null;

const perLocation = (prefix: string, suffix: string, get: (m: MarkerScores, loc: CellLocation) => Cell): [string, (m: MarkerScores) => Cell][] =>
  CELL_LOCATIONS.map((loc) => [`${prefix}_${loc}${suffix}`, (m: MarkerScores) => get(m, loc)]);

/**
 * The marker scores flattened (src/score/marker-scores.ts), one column per value whatever the
 * marker, so every row has the same header: a scorer the marker does not run, or one that was
 * skipped (named in skipped_scorers), leaves its columns empty. Grades: infiltrates 0–4 by the
 * juvenile DM score tool, MHC-I 0–5 (Das et al.), SCIENCE.md "Scores".
 */
const MARKER_COLUMNS: [string, (m: MarkerScores) => Cell][] = [
  ['marker_id', (m) => m.marker],
  ['cd163_positive_cells_per_mm2', (m) => m.cd163?.positiveCellsPerMm2 ?? null],
  ['cd163_pct_positive_area', (m) => m.cd163?.pctPositiveArea ?? null],
  ...perLocation('cd163', '_per_mm2', (m, loc) => m.cd163?.byLocation?.[loc].cellsPerMm2 ?? null),
  ['infiltrate_cells_per_mm2', (m) => m.infiltrates?.cellsPerMm2 ?? null],
  ...perLocation('infiltrate', '_per_mm2', (m, loc) => m.infiltrates?.byLocation[loc].cellsPerMm2 ?? null),
  ...perLocation('infiltrate', '_grade', (m, loc) => m.infiltrates?.byLocation[loc].grade ?? null),
  ...perLocation('clusters', '', (m, loc) => m.infiltrates?.byLocation[loc].clusters ?? null),
  ['il1_expressed', (m) => (m.il1 ? String(m.il1.expressed) : null)],
  ['mhc1_fibres', (m) => m.mhc1?.fibres ?? null],
  ['mhc1_positive_fibres', (m) => m.mhc1?.positive ?? null],
  ['mhc1_pct_positive_fibres', (m) => m.mhc1?.percentPositive ?? null],
  ['mhc1_grade', (m) => m.mhc1?.grade ?? null],
  ['mhc1_pattern', (m) => m.mhc1?.pattern ?? null],
  ['skipped_scorers', (m) => (m.skipped.length > 0 ? m.skipped.map((s) => s.scorer).join(';') : null)],
];

/** Column name (units in the name) → value. Score definitions: SCIENCE.md "Scores". */
const COLUMNS: [string, (r: ScoreRow) => Cell][] = [
  ['analysis_id', (r) => r.analysisId],
  ['slide_id', (r) => r.slideId],
  ['path', (r) => r.path],
  ['patient', (r) => r.patient],
  ['timepoint', (r) => r.timepoint],
  ['biopsy', (r) => biopsyOf(r.patient, r.timepoint)],
  ['marker', (r) => r.marker],
  ['slide_mpp_um_per_px', (r) => r.slideMpp],
  ['analysis_mpp_um_per_px', (r) => r.analysisMpp],
  ['tissue_area_mm2', (r) => r.scores.tissueAreaMm2],
  ['cells', (r) => r.scores.cells],
  ['cells_per_mm2', (r) => r.scores.cellsPerMm2],
  ['positive_cells', (r) => r.scores.positiveCells],
  ['positive_cells_per_mm2', (r) => r.scores.positiveCellsPerMm2],
  ['pct_negative_cells', (r) => r.scores.pctNegative],
  ['pct_1plus_cells', (r) => r.scores.pct1],
  ['pct_2plus_cells', (r) => r.scores.pct2],
  ['pct_3plus_cells', (r) => r.scores.pct3],
  ['pct_positive_cells', (r) => r.scores.pctPositive],
  ['h_score_0_300', (r) => r.scores.hScore],
  ['allred_proportion_0_5', (r) => r.scores.allredProportion],
  ['allred_intensity_0_3', (r) => r.scores.allredIntensity],
  ['allred_0_8', (r) => r.scores.allred],
  ['pct_positive_area', (r) => r.scores.pctPositiveArea],
  ['pixel_h_score_0_300', (r) => r.scores.pixelHScore],
  ...MARKER_COLUMNS.map(([name, get]): [string, (r: ScoreRow) => Cell] => [name, (r) => (r.markerScores ? get(r.markerScores) : null)]),
  ['stain_source', (r) => r.stain.source],
  ['params_hash', (r) => r.paramsHash],
  ['code_version', (r) => r.codeVersion],
  ['model_id', (r) => r.modelId],
  ['computed_at', (r) => r.computedAt.toISOString()],
];

export const SCORE_CSV_HEADER = COLUMNS.map(([name]) => name);

/**
 * RFC 4180 quoting. Text that a spreadsheet would run as a formula (= + - @ at the start) gets a
 * leading apostrophe: patient ids and paths are typed by people, and a CSV opened in Excel must
 * not execute them. Numbers are written as JavaScript prints them (full precision, never a formula).
 */
function cell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header row, then one row per finished analysis; CRLF line ends as RFC 4180 asks. */
export function scoresCsv(rows: ScoreRow[]): string {
  const lines = [SCORE_CSV_HEADER.join(',')];
  for (const r of rows) lines.push(COLUMNS.map(([, get]) => cell(get(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
