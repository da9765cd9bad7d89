import { z } from 'zod';
import { biopsySlideOf, Timepoint } from '../../domain/biopsy.js';
import { MarkerId } from '../../domain/marker.js';
import { RaterId, type ManualScore } from '../../domain/manual-score.js';
import { markerHasField } from '../../domain/score-fields.js';
import { CohortImportError, type ImportIssue } from '../../errors/index.js';
import { column, date, marker, pseudonym, shown, timepoint, type TableSpec } from '../import-fields.js';
import { validateTable, type ImportSource } from '../import-table.js';
import { densityUnitOf, MANUAL_SCORES, manualScoreSpec, readManualValue } from './score-scale.js';

/**
 * Pathologists' manual reads from CSV (header row) or JSON (an array of objects), one read per
 * row: `patient`, `timepoint`, `marker` (the slide, as the cohort names it), `rater`, `date`
 * (YYYY-MM-DD), `score` (a catalogue name, score-scale.ts), `value`, and optionally `unit`
 * (`per mm2` or `per HPF`, for densities). Pure and all-or-nothing like the cohort import
 * (src/cohort/import.ts): every problem of every file comes back by file, row and field, and
 * the reads only when there is none.
 */
export type ManualImport = { ok: true; reads: ManualScore[] } | { ok: false; issues: ImportIssue[] };

type ManualRow = Omit<ManualScore, 'source'>;

const rater = column('rater', true, (raw) => {
  const r = RaterId.safeParse(typeof raw === 'string' ? raw : String(raw));
  return r.success ? { ok: true, value: r.data } : { ok: false, message: `${r.error.issues[0].message}, got ${shown(raw)}` };
});

const score = column('score', true, (raw) => {
  const name = String(raw).trim();
  return manualScoreSpec(name)
    ? { ok: true, value: name }
    : { ok: false, message: `unknown score ${shown(raw)}; expected one of ${MANUAL_SCORES.map((s) => s.field.name).join(', ')}` };
});

// the value is read against its score's scale once the whole row is known (below)
const value = column('value', true, (raw) => ({ ok: true, value: raw }));

const unit = column('unit', false, (raw) => {
  const u = densityUnitOf(String(raw));
  return u ? { ok: true, value: u } : { ok: false, message: `expected per mm2 or per HPF, got ${shown(raw)}` };
});

const Row = z
  .object({
    patient: z.string(),
    timepoint: Timepoint,
    marker: MarkerId,
    rater: z.string(),
    date: z.string(),
    score: z.string(),
    value: z.unknown(),
    unit: z.enum(['mm2', 'hpf']).optional(),
  })
  .transform((r, ctx): ManualRow => {
    const spec = manualScoreSpec(r.score)!;
    if (!markerHasField(spec.field, r.marker)) {
      ctx.addIssue({ code: 'custom', path: ['score'], message: `${r.marker} slides have no ${r.score} (their marker does not run the ${spec.field.scorer} scorer)` });
      return z.NEVER;
    }
    if (r.unit === 'hpf' && !spec.perArea) {
      ctx.addIssue({ code: 'custom', path: ['unit'], message: `per HPF applies to densities (1/mm²), not to ${r.score} (${spec.field.unit})` });
      return z.NEVER;
    }
    const v = readManualValue(spec, r.value, r.unit);
    if (!v.ok) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: v.message });
      return z.NEVER;
    }
    return { patient: r.patient, timepoint: r.timepoint, marker: r.marker, rater: r.rater, date: r.date, score: r.score, value: v.value };
  });

export const MANUAL_READS: TableSpec<ManualRow> = {
  table: 'manual reads',
  columns: [pseudonym('patient'), timepoint, marker, rater, date, score, value, unit],
  schema: Row,
};

/** Validates every file; the reads come back only when every row of every file is valid. */
export function parseManualReads(sources: readonly ImportSource[]): ManualImport {
  const issues: ImportIssue[] = [];
  const tables = sources.map((s) => validateTable(MANUAL_READS, s, issues));
  // the same slide, rater and score twice, within a file or across the files given together
  const first = new Map<string, string>();
  for (const t of tables) {
    const json = t.file.toLowerCase().endsWith('.json');
    for (const { row, value: v } of t.records) {
      const slide = biopsySlideOf(v.patient, v.timepoint, v.marker);
      const key = `${slide}|${v.rater}|${v.score}`;
      const where = `${t.file} ${json ? 'item' : 'row'} ${row}`;
      const seen = first.get(key);
      if (seen === undefined) first.set(key, where);
      else issues.push({ file: t.file, row, field: 'score', message: `a second read of ${v.score} by ${v.rater} for ${slide} (first at ${seen})` });
    }
  }
  if (issues.length > 0) {
    const order = sources.map((s) => s.name);
    issues.sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file) || (a.row ?? 0) - (b.row ?? 0));
    return { ok: false, issues };
  }
  const reads = tables.flatMap((t) => {
    const json = t.file.toLowerCase().endsWith('.json');
    return t.records.map(({ row, value: r }) => ({ ...r, source: `${t.file} ${json ? 'item' : 'row'} ${row}` }));
  });
  return { ok: true, reads };
}

/** As parseManualReads, but throws CohortImportError ("manual reads not imported, …", every problem in it). */
export function importManualReads(sources: readonly ImportSource[]): ManualScore[] {
  const r = parseManualReads(sources);
  if (!r.ok) throw new CohortImportError(r.issues, 'manual reads');
  return r.reads;
}
