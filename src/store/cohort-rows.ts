import { z } from 'zod';
import { Biopsy, biopsyOf, BiopsySlide, biopsySlideOf, TIMEPOINTS } from '../domain/biopsy.js';
import { MEASURE_IDS, Visit } from '../domain/outcome.js';
import { Patient } from '../domain/patient.js';
import type { SqlExecutor } from './executor.js';
import { StoreInputError } from '../errors/index.js';

/**
 * The cohort as the store takes and gives it: the same records src/cohort/import.ts validates
 * (`Cohort`), so an import goes from file text to the store without reshaping.
 */
export const CohortInput = z.object({
  patients: z.array(Patient),
  biopsies: z.array(Biopsy).default([]),
  slides: z.array(BiopsySlide).default([]),
  visits: z.array(Visit).default([]),
});
export type CohortInput = z.input<typeof CohortInput>;
export type StoredCohort = z.output<typeof CohortInput>;

export interface CohortImportSummary {
  patients: number;
  biopsies: number;
  slides: number;
  visits: number;
  /** pseudonyms that were already stored: their biopsies, slides and visits were replaced */
  replaced: string[];
}

/** snake_case column of each visit measure, in MEASURE_IDS order */
const MEASURE_COLUMNS: Record<(typeof MEASURE_IDS)[number], string> = {
  physicianGlobal: 'physician_global',
  patientGlobal: 'patient_global',
  mmt8: 'mmt8',
  haq: 'haq',
  extramuscular: 'extramuscular',
  ck: 'ck',
  fi2: 'fi2',
};

/**
 * The cross-row rules the tables also enforce, checked first so the message names the record
 * (a constraint violation would only name the constraint): every row belongs to a patient of
 * this import, keys are unique, every slide has its biopsy.
 */
function checkReferences(c: StoredCohort): void {
  const problems: string[] = [];
  const seen = (what: string, keys: string[]) => {
    const set = new Set<string>();
    for (const k of keys) {
      if (set.has(k)) problems.push(`duplicate ${what} ${k}`);
      set.add(k);
    }
    return set;
  };
  const patients = seen('patient', c.patients.map((p) => p.pseudonym));
  const biopsies = seen('biopsy', c.biopsies.map((b) => biopsyOf(b.patient, b.timepoint)));
  seen('slide', c.slides.map((s) => biopsySlideOf(s.patient, s.timepoint, s.marker)));
  seen('visit', c.visits.map((v) => biopsyOf(v.patient, v.timepoint)));
  const unknown = (what: string, rows: { patient: string; timepoint: string }[]) => {
    for (const r of rows) if (!patients.has(r.patient)) problems.push(`${what} of ${r.patient} at ${r.timepoint}: patient ${r.patient} is not in this import`);
  };
  unknown('biopsy', c.biopsies);
  unknown('visit', c.visits);
  unknown('slide', c.slides);
  for (const s of c.slides) {
    if (patients.has(s.patient) && !biopsies.has(biopsyOf(s.patient, s.timepoint))) {
      problems.push(`slide ${s.marker} of ${s.patient} at ${s.timepoint}: no biopsy of ${s.patient} at ${s.timepoint} in this import`);
    }
  }
  if (problems.length > 0) {
    throw new StoreInputError(`importCohort: nothing imported, ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.slice(0, 10).join('; ')}`);
  }
}

/**
 * Writes a validated cohort inside the caller's transaction. A patient already stored keeps its
 * row (diagnosis updated) and loses its biopsies, slides and visits to the imported ones; other
 * patients are untouched.
 */
export async function writeCohort(tx: SqlExecutor, c: StoredCohort): Promise<CohortImportSummary> {
  checkReferences(c);
  const pseudonyms = c.patients.map((p) => p.pseudonym);
  const existing = await tx.query<{ pseudonym: string }>('SELECT pseudonym FROM patients WHERE pseudonym = ANY($1::text[]) ORDER BY pseudonym', [pseudonyms]);
  await tx.query(
    `INSERT INTO patients (pseudonym, diagnosis) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (pseudonym) DO UPDATE SET diagnosis = excluded.diagnosis, imported_at = now()`,
    [pseudonyms, c.patients.map((p) => p.diagnosis)],
  );
  // biopsy_slides go with their biopsies (ON DELETE CASCADE)
  await tx.query('DELETE FROM biopsies WHERE patient = ANY($1::text[])', [pseudonyms]);
  await tx.query('DELETE FROM visits WHERE patient = ANY($1::text[])', [pseudonyms]);
  if (c.biopsies.length > 0) {
    await tx.query(
      'INSERT INTO biopsies (patient, timepoint, taken_on, muscle) SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[])',
      [c.biopsies.map((b) => b.patient), c.biopsies.map((b) => b.timepoint), c.biopsies.map((b) => b.date), c.biopsies.map((b) => b.muscle)],
    );
  }
  if (c.slides.length > 0) {
    await tx.query(
      'INSERT INTO biopsy_slides (patient, timepoint, marker, file) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])',
      [c.slides.map((s) => s.patient), c.slides.map((s) => s.timepoint), c.slides.map((s) => s.marker), c.slides.map((s) => s.file)],
    );
  }
  if (c.visits.length > 0) {
    const columns = MEASURE_IDS.map((m) => MEASURE_COLUMNS[m]);
    const arrays = MEASURE_IDS.map((_, i) => `$${i + 4}::float8[]`);
    await tx.query(
      `INSERT INTO visits (patient, timepoint, visited_on, ${columns.join(', ')})
       SELECT * FROM unnest($1::text[], $2::text[], $3::date[], ${arrays.join(', ')})`,
      [
        c.visits.map((v) => v.patient),
        c.visits.map((v) => v.timepoint),
        c.visits.map((v) => v.date),
        ...MEASURE_IDS.map((m) => c.visits.map((v) => v[m] ?? null)),
      ],
    );
  }
  return {
    patients: c.patients.length,
    biopsies: c.biopsies.length,
    slides: c.slides.length,
    visits: c.visits.length,
    replaced: existing.rows.map((r) => r.pseudonym),
  };
}

// timepoints in study order, not alphabetical ('month-12' < 'month-6' as text)
const TIMEPOINT_ORDER = `array_position(ARRAY[${TIMEPOINTS.map((t) => `'${t}'`).join(', ')}]::text[], timepoint)`;

/** The whole cohort in pseudonym, then timepoint (study order), then marker order. */
export async function readCohort(db: SqlExecutor): Promise<StoredCohort> {
  const patients = await db.query<{ pseudonym: string; diagnosis: string }>('SELECT pseudonym, diagnosis FROM patients ORDER BY pseudonym');
  // dates as text: both drivers would otherwise turn a date into a local-midnight Date
  const biopsies = await db.query<{ patient: string; timepoint: string; date: string; muscle: string }>(
    `SELECT patient, timepoint, taken_on::text AS date, muscle FROM biopsies ORDER BY patient, ${TIMEPOINT_ORDER}`,
  );
  const slides = await db.query<{ patient: string; timepoint: string; marker: string; file: string }>(
    `SELECT patient, timepoint, marker, file FROM biopsy_slides ORDER BY patient, ${TIMEPOINT_ORDER}, marker`,
  );
  const visits = await db.query<Record<string, unknown>>(
    `SELECT patient, timepoint, visited_on::text AS date, ${MEASURE_IDS.map((m) => MEASURE_COLUMNS[m]).join(', ')}
     FROM visits ORDER BY patient, ${TIMEPOINT_ORDER}`,
  );
  return CohortInput.parse({
    patients: patients.rows,
    biopsies: biopsies.rows,
    slides: slides.rows,
    visits: visits.rows.map((r) => {
      const v: Record<string, unknown> = { patient: r.patient, timepoint: r.timepoint, date: r.date };
      // a NULL measure was not recorded: the key stays absent, as it was imported
      for (const m of MEASURE_IDS) if (r[MEASURE_COLUMNS[m]] !== null) v[m] = r[MEASURE_COLUMNS[m]];
      return v;
    }),
  });
}
