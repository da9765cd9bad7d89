import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { biopsyOf } from '../domain/biopsy.js';
import type { SlideScores } from '../domain/scores.js';
import { MetadataError } from '../errors/index.js';
import type { ScoreRow } from '../store/store.js';

/**
 * One slide's scores in a cohort: who, when, which stain, which slide, named scores (units in the
 * names, e.g. `h_score_0_300`), and the patient's IMACS responder status when known.
 * A score that is undefined for this slide (NaN, e.g. a fraction of zero fibres) is written as null.
 */
export const ScoreExportRow = z.object({
  patient: z.string().min(1),
  timepoint: z.string().min(1),
  marker: z.string().min(1),
  slide: z.string().min(1),
  scores: z.record(
    z.string().min(1),
    z.preprocess((v) => (typeof v === 'number' && Number.isNaN(v) ? null : v), z.number().nullable()),
  ),
  responder: z.boolean().nullable().optional(),
});
export type ScoreExportRow = z.output<typeof ScoreExportRow>;
export type ScoreExportRowInput = z.input<typeof ScoreExportRow>;

const ID_COLUMNS = ['patient', 'timepoint', 'biopsy', 'marker', 'slide'] as const;
const RESPONDER_COLUMN = 'responder';

/** Validates every row; the error names the row (index and patient) and the field. */
export function parseScoreExportRows(rows: readonly unknown[]): ScoreExportRow[] {
  return rows.map((row, i) => {
    const r = ScoreExportRow.safeParse(row);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    const patient = typeof row === 'object' && row !== null && 'patient' in row ? ` (patient ${String(row.patient)})` : '';
    throw new MetadataError(`score export, row ${i}${patient}: ${issue.path.join('.') || 'row'}: ${issue.message}`);
  });
}

/** Every score name in first-seen order, so columns follow the caller's order and no score is lost. */
export function scoreNamesOf(rows: readonly ScoreExportRow[]): string[] {
  const names = new Set<string>();
  for (const r of rows) for (const name of Object.keys(r.scores)) names.add(name);
  return [...names];
}

/**
 * RFC 4180 CSV: header, one record per row, CRLF, fields with `,` `"` CR or LF quoted. Same rules
 * as the API's scores CSV (src/api/scores-csv.ts): text starting with = + - @ TAB CR gets a leading
 * apostrophe so a spreadsheet does not run it; numbers (negative ones too) are written as JavaScript
 * prints them; missing or undefined values are empty cells. `responder` is true / false / empty.
 */
export function scoresToCsv(input: readonly ScoreExportRowInput[], options: { scoreNames?: readonly string[] } = {}): string {
  const rows = parseScoreExportRows(input);
  const scoreNames = options.scoreNames ?? scoreNamesOf(rows);
  for (const name of scoreNames) {
    if ((ID_COLUMNS as readonly string[]).includes(name) || name === RESPONDER_COLUMN) {
      throw new MetadataError(`score export: score name "${name}" collides with the column of the same name`);
    }
  }
  const header = [...ID_COLUMNS, ...scoreNames, RESPONDER_COLUMN];
  const records = rows.map((r) => [
    r.patient, r.timepoint, biopsyOf(r.patient, r.timepoint), r.marker, r.slide,
    ...scoreNames.map((name) => r.scores[name] ?? null),
    r.responder ?? null,
  ]);
  return stringify([header, ...records], {
    record_delimiter: 'windows',
    // csv-stringify stops quoting CR/LF once a record delimiter is given; RFC 4180 needs them quoted.
    quote_record_delimiter: true,
    escape_formulas: true,
    cast: { boolean: (b) => String(b) },
  });
}

/** The validated rows as a JSON array (NaN scores as null, since JSON has no NaN). */
export function scoresToJson(input: readonly ScoreExportRowInput[]): string {
  return `${JSON.stringify(parseScoreExportRows(input), null, 2)}\n`;
}

/** Score columns taken from a stored analysis, with the API CSV's names (units in the names). */
export const STORED_SCORE_NAMES: Record<keyof SlideScores, string> = {
  tissueAreaMm2: 'tissue_area_mm2',
  cells: 'cells',
  cellsPerMm2: 'cells_per_mm2',
  positiveCells: 'positive_cells',
  positiveCellsPerMm2: 'positive_cells_per_mm2',
  pctNegative: 'pct_negative_cells',
  pct1: 'pct_1plus_cells',
  pct2: 'pct_2plus_cells',
  pct3: 'pct_3plus_cells',
  pctPositive: 'pct_positive_cells',
  hScore: 'h_score_0_300',
  allredProportion: 'allred_proportion_0_5',
  allredIntensity: 'allred_intensity_0_3',
  allred: 'allred_0_8',
  pctPositiveArea: 'pct_positive_area',
  pixelHScore: 'pixel_h_score_0_300',
};

/**
 * Stored analyses as export rows (slide = its path), responder status looked up by patient.
 * A slide without patient, timepoint or marker cannot sit in a cohort table: it is returned in
 * `skipped` (by path) instead of failing the export.
 */
export function scoreExportRowsFromStore(
  stored: readonly Pick<ScoreRow, 'patient' | 'timepoint' | 'marker' | 'path' | 'scores'>[],
  responders: ReadonlyMap<string, boolean> = new Map(),
): { rows: ScoreExportRow[]; skipped: string[] } {
  const rows: ScoreExportRow[] = [];
  const skipped: string[] = [];
  for (const r of stored) {
    if (r.patient === null || r.timepoint === null || r.marker === null) {
      skipped.push(r.path);
      continue;
    }
    const scores: Record<string, number> = {};
    for (const [key, name] of Object.entries(STORED_SCORE_NAMES)) scores[name] = r.scores[key as keyof SlideScores];
    rows.push({ patient: r.patient, timepoint: r.timepoint, marker: r.marker, slide: r.path, scores, responder: responders.get(r.patient) ?? null });
  }
  return { rows: parseScoreExportRows(rows), skipped };
}
