import { z } from 'zod';
import { readTable, columnKey } from '../cohort/import-rows.js';
import { findMarker } from '../domain/marker.js';
import { SlideMetadata } from '../domain/slide.js';

/**
 * The submission page's metadata table: rows as typed (every cell text), checked with the very
 * schema every other way in uses (SlideMetadata: pseudonym rule, canonical marker and timepoint),
 * and manifests or CSV files read into such rows.
 */

const Cell = z.string().max(4096);
export const MetadataRow = z
  .object({
    file: Cell.optional().describe('a slide under SLIDES_ROOT (a picked or manifest row); absent for an uploaded slide'),
    patient: Cell.optional(),
    timepoint: Cell.optional(),
    marker: Cell.optional(),
    mpp: z.union([Cell, z.number()]).optional().describe('µm per pixel, as typed'),
  })
  .strict();
export type MetadataRow = z.infer<typeof MetadataRow>;

export interface RowIssue {
  field: string;
  message: string;
}

export interface CheckedRow {
  /** the row as it would be stored: canonical names, mpp a number; what was valid of it */
  metadata: SlideMetadata;
  issues: RowIssue[];
  /** whether the marker is one of the registry's (null: none given); an unknown stain is analysed by the generic cell pipeline */
  markerKnown: boolean | null;
}

const NUMBER = /^[+]?(\d+([.,]\d*)?|[.,]\d+)(e[+-]?\d+)?$/i;

/** A table row checked as SlideMetadata: an empty cell is no value, µm/px text becomes a number. */
export function checkRow(row: MetadataRow): CheckedRow {
  const issues: RowIssue[] = [];
  const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  let mpp: number | undefined;
  if (typeof row.mpp === 'number') mpp = row.mpp;
  else if (text(row.mpp) !== undefined) {
    const t = row.mpp!.trim();
    if (NUMBER.test(t)) mpp = Number(t.replace(',', '.'));
    else issues.push({ field: 'mpp', message: `expected µm per pixel as a number (e.g. 0.25), got "${t}"` });
  }
  const input = { patient: text(row.patient), timepoint: text(row.timepoint), marker: text(row.marker), mpp };
  // field by field with SlideMetadata's own field schemas, so each cell gets its own message and the valid ones their canonical form
  const metadata: Record<string, unknown> = {};
  for (const key of Object.keys(input) as (keyof typeof input)[]) {
    if (issues.some((i) => i.field === key)) continue;
    const r = SlideMetadata.shape[key].safeParse(input[key]);
    if (!r.success) issues.push(...r.error.issues.map((i) => ({ field: key, message: i.message })));
    else if (r.data !== undefined) metadata[key] = r.data;
  }
  const marker = metadata.marker as string | undefined;
  return { metadata: SlideMetadata.parse(metadata), issues, markerKnown: marker === undefined ? null : findMarker(marker) !== undefined };
}

/** Column names a manifest or CSV may use for each field (compared as cohort imports compare them). */
const COLUMNS: Record<string, keyof MetadataRow | 'ignored'> = {
  file: 'file',
  slide: 'file',
  path: 'file',
  patient: 'patient',
  pseudonym: 'patient',
  timepoint: 'timepoint',
  marker: 'marker',
  stain: 'marker',
  mpp: 'mpp',
  umpx: 'mpp',
  umperpx: 'mpp',
  // a synthetic set's ground truth file: for local evaluation, not for the service
  truth: 'ignored',
};

export interface TableRead {
  rows: (MetadataRow & { file: string })[];
  issues: string[];
}

function cellText(v: unknown): string {
  return v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v);
}

/**
 * A manifest (`{ "slides": [ { file, patient, … } ] }`, as `analyze` and `submit` read), a JSON
 * array of such entries, or a CSV with a header row, read into table rows; every row needs a file
 * (the name of a dropped slide, or a path under SLIDES_ROOT). Problems are listed, not thrown: the
 * rows that can be read are still shown.
 */
export function readSlideTable(name: string, text: string): TableRead {
  let source = text;
  if (name.toLowerCase().endsWith('.json')) {
    try {
      const json = JSON.parse(text) as unknown;
      if (json !== null && typeof json === 'object' && !Array.isArray(json) && Array.isArray((json as { slides?: unknown }).slides)) {
        source = JSON.stringify((json as { slides: unknown[] }).slides);
      }
    } catch {
      // readTable says what is wrong with it
    }
  }
  const table = readTable(name, source);
  const issues = table.issues.map((i) => `${name}${i.row === null ? '' : ` row ${i.row}`}: ${i.message}`);
  const fields = new Map<string, keyof MetadataRow | 'ignored'>();
  for (const c of table.columns) {
    const f = COLUMNS[columnKey(c)];
    if (f) fields.set(c, f);
    else issues.push(`${name}: unknown column "${c}" (expected file, patient, timepoint, marker, mpp)`);
  }
  if (table.columns.length > 0 && ![...fields.values()].includes('file')) issues.push(`${name}: no "file" column naming each slide`);
  const rows: TableRead['rows'] = [];
  for (const r of table.rows) {
    const row: Record<string, string> = {};
    for (const [c, v] of Object.entries(r.cells)) {
      const f = fields.get(c);
      if (f && f !== 'ignored') row[f] = cellText(v).trim();
    }
    if (!row.file) {
      if (fields.size > 0) issues.push(`${name} row ${r.row}: no file named`);
      continue;
    }
    rows.push(row as MetadataRow & { file: string });
  }
  return { rows, issues };
}
