import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../src/errors/index.js';
import type { CohortInput, Store } from '../../src/store/store.js';
import { manualScoresTests } from './manual-scores-suite.js';
import type { OpenedStore } from './store-suite.js';

/** Two patients, one with a later re-biopsy; marker spellings and a missing measure as people type them. */
const COHORT: CohortInput = {
  patients: [
    { pseudonym: 'P02', diagnosis: 'PM' },
    { pseudonym: 'P01', diagnosis: 'DM' },
  ],
  biopsies: [
    { patient: 'P01', timepoint: 'month-12', date: '2025-01-20', muscle: 'deltoid' },
    { patient: 'P01', timepoint: 'baseline', date: '2024-01-15', muscle: 'vastus lateralis' },
    { patient: 'P01', timepoint: 'month-6', date: '2024-07-16', muscle: 'vastus lateralis' },
    { patient: 'P02', timepoint: 'baseline', date: '2024-02-29', muscle: 'deltoid' },
  ],
  slides: [
    { patient: 'P01', timepoint: 'baseline', marker: 'IL1RA', file: 'p01/b-il1ra.tif' },
    { patient: 'P01', timepoint: 'baseline', marker: 'cd163', file: 'p01/b-cd163.tif' },
    { patient: 'P01', timepoint: 'month-6', marker: 'CD163', file: 'p01/m6-cd163.tif' },
    { patient: 'P02', timepoint: 'baseline', marker: 'MHC-I', file: 'p02/b-mhc1.tif' },
  ],
  visits: [
    { patient: 'P01', timepoint: 'month-6', date: '2024-07-16', physicianGlobal: 2.5, patientGlobal: 3, mmt8: 72, haq: 0.75, extramuscular: 1, ck: 180, fi2: 41 },
    { patient: 'P01', timepoint: 'baseline', date: '2024-01-15', physicianGlobal: 6.1, patientGlobal: 5.5, mmt8: 58, haq: 1.625, extramuscular: 3.2, ck: 2450.5, fi2: 12 },
    // CK not recorded at this visit: stays absent
    { patient: 'P02', timepoint: 'baseline', date: '2024-02-29', physicianGlobal: 4, patientGlobal: 4, mmt8: 64, haq: 1, extramuscular: 0 },
  ],
};

/** COHORT as stored: canonical marker ids, sorted by pseudonym, timepoint in study order, marker. */
const STORED = {
  patients: [
    { pseudonym: 'P01', diagnosis: 'DM' },
    { pseudonym: 'P02', diagnosis: 'PM' },
  ],
  biopsies: [
    { patient: 'P01', timepoint: 'baseline', date: '2024-01-15', muscle: 'vastus lateralis' },
    { patient: 'P01', timepoint: 'month-6', date: '2024-07-16', muscle: 'vastus lateralis' },
    { patient: 'P01', timepoint: 'month-12', date: '2025-01-20', muscle: 'deltoid' },
    { patient: 'P02', timepoint: 'baseline', date: '2024-02-29', muscle: 'deltoid' },
  ],
  slides: [
    { patient: 'P01', timepoint: 'baseline', marker: 'CD163', file: 'p01/b-cd163.tif' },
    { patient: 'P01', timepoint: 'baseline', marker: 'IL-1Ra', file: 'p01/b-il1ra.tif' },
    { patient: 'P01', timepoint: 'month-6', marker: 'CD163', file: 'p01/m6-cd163.tif' },
    { patient: 'P02', timepoint: 'baseline', marker: 'MHC-I', file: 'p02/b-mhc1.tif' },
  ],
  visits: [
    { patient: 'P01', timepoint: 'baseline', date: '2024-01-15', physicianGlobal: 6.1, patientGlobal: 5.5, mmt8: 58, haq: 1.625, extramuscular: 3.2, ck: 2450.5, fi2: 12 },
    { patient: 'P01', timepoint: 'month-6', date: '2024-07-16', physicianGlobal: 2.5, patientGlobal: 3, mmt8: 72, haq: 0.75, extramuscular: 1, ck: 180, fi2: 41 },
    { patient: 'P02', timepoint: 'baseline', date: '2024-02-29', physicianGlobal: 4, patientGlobal: 4, mmt8: 64, haq: 1, extramuscular: 0 },
  ],
};

/** Cohort import and read-back, required of every backend like the rest of the store. */
export function cohortSuite(name: string, open: () => Promise<OpenedStore>): void {
  describe(`cohort store on ${name}`, () => {
    let db: OpenedStore;
    let store: Store;
    const tableCounts = async () =>
      (
        await db.sql<{ p: number; b: number; s: number; v: number }>(
          `SELECT (SELECT count(*) FROM patients)::int AS p, (SELECT count(*) FROM biopsies)::int AS b,
             (SELECT count(*) FROM biopsy_slides)::int AS s, (SELECT count(*) FROM visits)::int AS v`,
        )
      )[0];
    beforeAll(async () => {
      db = await open();
      store = db.store;
    });
    afterAll(async () => {
      await db?.cleanup();
    });

    it('starts with an empty cohort', async () => {
      expect(await store.getCohort()).toStrictEqual({ patients: [], biopsies: [], slides: [], visits: [] });
    });

    it('imports a cohort and reads it back exactly: canonical markers, study-order timepoints, absent measures absent', async () => {
      const summary = await store.importCohort(COHORT);
      expect(summary).toStrictEqual({ patients: 2, biopsies: 4, slides: 4, visits: 3, replaced: [] });
      expect(await store.getCohort()).toStrictEqual(STORED);
      // dates are SQL dates, not text: the database itself can compute with them
      const days = await db.sql<{ d: number }>(`SELECT (b6.taken_on - b0.taken_on)::int AS d FROM biopsies b0 JOIN biopsies b6
        ON b6.patient = b0.patient AND b6.timepoint = 'month-6' WHERE b0.patient = 'P01' AND b0.timepoint = 'baseline'`);
      expect(days).toEqual([{ d: 183 }]); // 2024-01-15 → 2024-07-16, a leap year
      const ck = await db.sql<{ ck: number | null }>(`SELECT ck FROM visits WHERE patient = 'P02'`);
      expect(ck).toEqual([{ ck: null }]);
    });

    it('a re-import of a pseudonym replaces its biopsies, slides and visits and leaves other patients alone', async () => {
      const summary = await store.importCohort({
        patients: [{ pseudonym: 'P01', diagnosis: 'ASS' }, { pseudonym: 'P03', diagnosis: 'IBM' }],
        biopsies: [{ patient: 'P01', timepoint: 'baseline', date: '2024-01-16', muscle: 'deltoid' }],
        slides: [{ patient: 'P01', timepoint: 'baseline', marker: 'IL-1a', file: 'p01/new.tif' }],
        visits: [{ patient: 'P01', timepoint: 'baseline', date: '2024-01-16', mmt8: 60 }],
      });
      expect(summary).toStrictEqual({ patients: 2, biopsies: 1, slides: 1, visits: 1, replaced: ['P01'] });
      expect(await store.getCohort()).toStrictEqual({
        patients: [{ pseudonym: 'P01', diagnosis: 'ASS' }, STORED.patients[1], { pseudonym: 'P03', diagnosis: 'IBM' }],
        biopsies: [{ patient: 'P01', timepoint: 'baseline', date: '2024-01-16', muscle: 'deltoid' }, STORED.biopsies[3]],
        slides: [{ patient: 'P01', timepoint: 'baseline', marker: 'IL-1a', file: 'p01/new.tif' }, STORED.slides[3]],
        visits: [{ patient: 'P01', timepoint: 'baseline', date: '2024-01-16', mmt8: 60 }, STORED.visits[2]],
      });
      expect(await tableCounts()).toEqual({ p: 3, b: 2, s: 2, v: 2 });
      // back to the first state for the tests below
      await store.importCohort(COHORT);
      await db.sql(`DELETE FROM patients WHERE pseudonym = 'P03'`);
      expect(await store.getCohort()).toStrictEqual(STORED);
    });

    it('refuses invalid records, unknown patients and slides without a biopsy, naming them, and stores nothing', async () => {
      const before = await store.getCohort();
      const p09 = { pseudonym: 'P09', diagnosis: 'DM' } as const;
      await expect(
        store.importCohort({ patients: [p09], visits: [{ patient: 'P09', timepoint: 'baseline', date: '2024-01-01', mmt8: 81 }] }),
      ).rejects.toThrow(/importCohort: invalid input: visits\.0\.mmt8: mmt8 must be 0–80/);
      await expect(store.importCohort({ patients: [{ pseudonym: 'Anna Berg', diagnosis: 'DM' }] })).rejects.toThrow(/patients\.0\.pseudonym/);
      const unknown = store.importCohort({ patients: [p09], biopsies: [{ patient: 'P01', timepoint: 'month-6', date: '2024-07-01', muscle: 'deltoid' }] });
      await expect(unknown).rejects.toBeInstanceOf(StoreInputError);
      await expect(unknown).rejects.toThrow(/biopsy of P01 at month-6: patient P01 is not in this import/);
      await expect(
        store.importCohort({ patients: [p09], slides: [{ patient: 'P09', timepoint: 'month-6', marker: 'CD163', file: 'x.tif' }] }),
      ).rejects.toThrow(/slide CD163 of P09 at month-6: no biopsy of P09 at month-6 in this import/);
      await expect(store.importCohort({ patients: [p09, p09] })).rejects.toThrow(/duplicate patient P09/);
      expect(await store.getCohort()).toStrictEqual(before);
    });

    it('a database error half-way through rolls the whole import back', async () => {
      const before = await store.getCohort();
      // a constraint only the database knows, hit by the last table written (visits), after
      // patients, biopsies and slides have already been written in the same transaction
      await db.sql('ALTER TABLE visits ADD CONSTRAINT test_fi2_cap CHECK (fi2 < 1000)');
      try {
        await expect(
          store.importCohort({
            ...COHORT,
            patients: [...COHORT.patients, { pseudonym: 'P10', diagnosis: 'IMNM' }],
            biopsies: [...COHORT.biopsies!, { patient: 'P10', timepoint: 'baseline', date: '2024-03-01', muscle: 'deltoid' }],
            visits: [{ ...COHORT.visits![0], fi2: 5000 }],
          }),
        ).rejects.toThrow(/test_fi2_cap/);
      } finally {
        await db.sql('ALTER TABLE visits DROP CONSTRAINT test_fi2_cap');
      }
      expect(await store.getCohort()).toStrictEqual(before);
      expect(await tableCounts()).toEqual({ p: 2, b: 4, s: 4, v: 3 });
    });

    manualScoresTests(() => store);
  });
}
