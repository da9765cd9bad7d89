import { z } from 'zod';
import { biopsyOf, biopsySlideOf, type Biopsy, type BiopsySlide } from '../domain/biopsy.js';
import type { Visit } from '../domain/outcome.js';
import type { Patient } from '../domain/patient.js';
import { CohortImportError, type ImportIssue } from '../errors/index.js';
import { BIOPSIES, PATIENTS, SLIDES, VISITS } from './import-fields.js';
import { duplicates, ImportSource, validateTable, type Validated } from './import-table.js';

/**
 * Imports a cohort (patients, biopsies, serial-section slides, visits) from CSV or JSON text.
 * Pure: text in, records or problems out. All-or-nothing: every row of every file is checked,
 * then the rows against each other (unknown patient, duplicate pseudonym, duplicate biopsy,
 * visit or marker per biopsy, slide without its biopsy); the records come back only when
 * nothing is wrong, otherwise every problem found does, and nothing is imported.
 */
export const CohortSource = ImportSource;
export type CohortSource = ImportSource;

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
