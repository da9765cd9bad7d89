import { z } from 'zod';
import { biopsyOf } from '../domain/biopsy.js';
import { ReviewState } from '../domain/review-state.js';
import { MetadataError } from '../errors/index.js';
import { markerHasField, SCORE_FIELDS, slideScoreKey } from '../domain/score-fields.js';
import type { SlideScores } from '../domain/scores.js';
import type { ScoreRow } from '../store/store.js';
import { csvText } from './csv-text.js';

/**
 * One slide's scores in a cohort: who, when, which stain, which slide, named scores (score field
 * names, e.g. `hScore`; the CSV names their columns as the score fields table says, e.g.
 * `h_score_0_300`), and the patient's IMACS responder status when known.
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
  /** the pathologist's review of the slide's analysis (issue 12); null when not known to the caller */
  reviewState: ReviewState.nullable().optional(),
  reviewVersion: z.number().int().nonnegative().nullable().optional(),
});
export type ScoreExportRow = z.output<typeof ScoreExportRow>;
export type ScoreExportRowInput = z.input<typeof ScoreExportRow>;

const ID_COLUMNS = ['patient', 'timepoint', 'biopsy', 'marker', 'slide', 'review_state', 'review_version'] as const;
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

const CSV_NAME = new Map(SCORE_FIELDS.map((f) => [f.name, f.csv]));

/** A score's CSV column: the score field's CSV name (src/domain/score-fields.ts), other names as they are. */
export function csvColumnOf(scoreName: string): string {
  return CSV_NAME.get(scoreName) ?? scoreName;
}

/**
 * CSV (src/cohort/csv-text.ts: RFC 4180, formula guard): header, one record per row. Score
 * columns are named as in the API's scores CSV; `responder` is true / false / empty;
 * review_state and review_version are empty when the rows do not say.
 */
export function scoresToCsv(input: readonly ScoreExportRowInput[], options: { scoreNames?: readonly string[] } = {}): string {
  const rows = parseScoreExportRows(input);
  const scoreNames = options.scoreNames ?? scoreNamesOf(rows);
  const columns = scoreNames.map(csvColumnOf);
  const taken = new Map<string, string>([...ID_COLUMNS, RESPONDER_COLUMN].map((c) => [c, 'the column']));
  columns.forEach((column, i) => {
    const other = taken.get(column);
    if (other !== undefined) throw new MetadataError(`score export: score name "${scoreNames[i]}" collides with ${other} of the same name`);
    taken.set(column, `score "${scoreNames[i]}"`);
  });
  const header = [...ID_COLUMNS, ...columns, RESPONDER_COLUMN];
  const records = rows.map((r) => [
    r.patient, r.timepoint, biopsyOf(r.patient, r.timepoint), r.marker, r.slide, r.reviewState ?? null, r.reviewVersion ?? null,
    ...scoreNames.map((name) => r.scores[name] ?? null),
    r.responder ?? null,
  ]);
  return csvText(header, records);
}

/** The validated rows as a JSON array (NaN scores as null, since JSON has no NaN). */
export function scoresToJson(input: readonly ScoreExportRowInput[]): string {
  return `${JSON.stringify(parseScoreExportRows(input), null, 2)}\n`;
}

/** The stored SlideScores fields by score field name. */
const STORED = SCORE_FIELDS.flatMap((f) => {
  const key = slideScoreKey(f);
  return key === undefined ? [] : [{ field: f, name: f.name, key: key as keyof SlideScores }];
});

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
    // only the scores that mean something for the marker (no cell H-score on MHC-I)
    for (const { field, name, key } of STORED) if (markerHasField(field, r.marker)) scores[name] = r.scores[key];
    rows.push({ patient: r.patient, timepoint: r.timepoint, marker: r.marker, slide: r.path, scores, responder: responders.get(r.patient) ?? null });
  }
  return { rows: parseScoreExportRows(rows), skipped };
}
