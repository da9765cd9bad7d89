import { z } from 'zod';
import { biopsyOf, biopsySlideOf, type Biopsy, type BiopsySlide } from '../domain/biopsy.js';
import type { Visit } from '../domain/outcome.js';
import type { Patient } from '../domain/patient.js';
import { CohortImportError, type ImportIssue } from '../errors/index.js';
import { BIOPSIES, PATIENTS, SLIDES, VISITS, type TableSpec } from './import-fields.js';
import { columnKey, readTable } from './import-rows.js';

/**
 * Imports a cohort (patients, biopsies, serial-section slides, visits) from CSV or JSON text.
 * Pure: text in, records or problems out. All-or-nothing: every row of every file is checked,
 * then the rows against each other (unknown patient, duplicate pseudonym, duplicate biopsy,
 * visit or marker per biopsy, slide without its biopsy); the records come back only when
 * nothing is wrong, otherwise every problem found does, and nothing is imported.
 */
export const CohortSource = z.object({
  /** file name, used in messages and to tell JSON (`.json`) from CSV */
  name: z.string().min(1),
  text: z.string(),
});
export type CohortSource = z.infer<typeof CohortSource>;

export const CohortSources = z.object({
  patients: CohortSource,
  biopsies: CohortSource.optional(),
  slides: CohortSource.optional(),
  visits: CohortSource.optional(),
});
export type CohortSources = z.infer<typeof CohortSources>;

export interface Cohort {
  patients: Patient[];
  biopsies: Biopsy[];
  slides: BiopsySlide[];
  visits: Visit[];
}

export type CohortImport = { ok: true; cohort: Cohort } | { ok: false; issues: ImportIssue[] };

interface Validated<T> {
  file: string;
  records: { row: number; value: T }[];
}

function validateTable<T>(spec: TableSpec<T>, source: CohortSource, issues: ImportIssue[]): Validated<T> {
  const file = source.name;
  const table = readTable(file, source.text);
  issues.push(...table.issues);
  const json = file.toLowerCase().endsWith('.json');
  const headerRow = json ? null : 1;

  // header: which file column feeds which field
  const byKey = new Map(spec.columns.map((c) => [columnKey(c.name), c]));
  const sourceOf = new Map<string, string>();
  for (const name of table.columns) {
    const col = byKey.get(columnKey(name));
    if (!col) {
      issues.push({ file, row: headerRow, field: name, message: `unknown column; expected ${spec.columns.map((c) => c.name).join(', ')}` });
    } else if (sourceOf.has(col.name)) {
      issues.push({ file, row: headerRow, field: name, message: `column ${col.name} appears twice` });
    } else {
      sourceOf.set(col.name, name);
    }
  }
  // a CSV without a required column would fail every row the same way: say it once, at the header
  if (!json && table.columns.length > 0) {
    const missing = spec.columns.filter((c) => c.required && !sourceOf.has(c.name));
    for (const c of missing) issues.push({ file, row: headerRow, field: c.name, message: 'required column missing' });
    if (missing.length > 0) return { file, records: [] };
  }

  const records: { row: number; value: T }[] = [];
  for (const raw of table.rows) {
    const obj: Record<string, unknown> = {};
    let ok = true;
    for (const col of spec.columns) {
      const cell = col.read(sourceOf.has(col.name) ? raw.cells[sourceOf.get(col.name)!] : undefined);
      if (cell.ok) {
        if (cell.value !== undefined) obj[col.name] = cell.value;
      } else {
        ok = false;
        issues.push({ file, row: raw.row, field: col.name, message: cell.message });
      }
    }
    if (!ok) continue;
    const parsed = spec.schema.safeParse(obj);
    if (parsed.success) {
      records.push({ row: raw.row, value: parsed.data });
    } else {
      for (const iss of parsed.error.issues) {
        issues.push({ file, row: raw.row, field: iss.path.length ? iss.path.join('.') : null, message: iss.message });
      }
    }
  }
  return { file, records };
}

/** Reports every record whose key was already seen, naming the row it was first seen on. */
function duplicates<T>(t: Validated<T>, key: (v: T) => string, field: string, what: (v: T) => string, issues: ImportIssue[]) {
  const first = new Map<string, number>();
  for (const { row, value } of t.records) {
    const k = key(value);
    const seen = first.get(k);
    if (seen === undefined) first.set(k, row);
    else issues.push({ file: t.file, row, field, message: `duplicate ${what(value)} (first at ${t.file.toLowerCase().endsWith('.json') ? 'item' : 'row'} ${seen})` });
  }
}

function knownPatients<T extends { patient: string }>(t: Validated<T>, patients: Set<string>, patientsFile: string, issues: ImportIssue[]) {
  for (const { row, value } of t.records) {
    if (!patients.has(value.patient)) {
      issues.push({ file: t.file, row, field: 'patient', message: `unknown patient ${value.patient} (not in ${patientsFile})` });
    }
  }
}

/** Validates all files; returns the cohort only when every row of every file is valid. */
export function parseCohort(input: CohortSources): CohortImport {
  const sources = CohortSources.parse(input);
  const issues: ImportIssue[] = [];
  const patients = validateTable(PATIENTS, sources.patients, issues);
  const empty = (name: string) => ({ file: name, records: [] });
  const biopsies = sources.biopsies ? validateTable(BIOPSIES, sources.biopsies, issues) : empty('biopsies');
  const slides = sources.slides ? validateTable(SLIDES, sources.slides, issues) : empty('slides');
  const visits = sources.visits ? validateTable(VISITS, sources.visits, issues) : empty('visits');

  duplicates(patients, (p) => p.pseudonym, 'pseudonym', (p) => `pseudonym ${p.pseudonym}`, issues);
  const ids = new Set(patients.records.map((r) => r.value.pseudonym));
  const pf = sources.patients.name;
  const biopsyKey = (v: { patient: string; timepoint: string }) => biopsyOf(v.patient, v.timepoint);

  knownPatients(biopsies, ids, pf, issues);
  duplicates(biopsies, biopsyKey, 'timepoint', (b) => `biopsy of ${b.patient} at ${b.timepoint}`, issues);

  knownPatients(slides, ids, pf, issues);
  duplicates(slides, (s) => biopsySlideOf(s.patient, s.timepoint, s.marker), 'marker', (s) => `marker ${s.marker} for the biopsy of ${s.patient} at ${s.timepoint}`, issues);
  if (sources.biopsies) {
    const biopsyKeys = new Set(biopsies.records.map((r) => biopsyKey(r.value)));
    for (const { row, value } of slides.records) {
      if (ids.has(value.patient) && !biopsyKeys.has(biopsyKey(value))) {
        issues.push({ file: slides.file, row, field: 'timepoint', message: `no biopsy of ${value.patient} at ${value.timepoint} in ${biopsies.file}` });
      }
    }
  }

  knownPatients(visits, ids, pf, issues);
  duplicates(visits, biopsyKey, 'timepoint', (v) => `visit of ${v.patient} at ${v.timepoint}`, issues);

  if (issues.length > 0) {
    const order = [patients.file, biopsies.file, slides.file, visits.file];
    issues.sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file) || (a.row ?? 0) - (b.row ?? 0));
    return { ok: false, issues };
  }
  const values = <T>(t: Validated<T>) => t.records.map((r) => r.value);
  return { ok: true, cohort: { patients: values(patients), biopsies: values(biopsies), slides: values(slides), visits: values(visits) } };
}

/** As parseCohort, but throws CohortImportError (every problem in its message) on any problem. */
export function importCohort(input: CohortSources): Cohort {
  const r = parseCohort(input);
  if (!r.ok) throw new CohortImportError(r.issues);
  return r.cohort;
}
