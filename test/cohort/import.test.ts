import { describe, expect, it } from 'vitest';
import { CohortImportError, formatIssue } from '../../src/errors/index.js';
import { importCohort, parseCohort, type CohortSources } from '../../src/cohort/import.js';

const PATIENTS = `pseudonym,diagnosis
P01,DM
P02,pm
P03,IMNM
`;
const BIOPSIES = `patient,timepoint,date,muscle
P01,baseline,2024-01-10,vastus lateralis
P01,month-6,2024-07-09,vastus lateralis
P02,baseline,2024-02-01,deltoid
`;
const SLIDES = `patient,timepoint,marker,file
P01,baseline,CD163,p01/b-cd163.svs
P01,baseline,IL1RA,p01/b-il1ra.svs
P01,month-6,IL-1 receptor antagonist,p01/m6-il1ra.svs
P02,baseline,mhc class I,p02/b-mhc1.svs
`;
const VISITS = `patient,timepoint,date,physician_global,patient global,MMT-8,haq,extramuscular,ck,fi2
P01,baseline,2024-01-10,6,5,60,1.5,4,2000,20
P01,M6,2024-07-09,4,4,66,1.2,5,2600,
P02,baseline,2024-02-01,3.5,4,70,0.8,2,850,41
`;

const sources = (over: Partial<Record<keyof CohortSources, string>> = {}): CohortSources => ({
  patients: { name: 'patients.csv', text: over.patients ?? PATIENTS },
  biopsies: { name: 'biopsies.csv', text: over.biopsies ?? BIOPSIES },
  slides: { name: 'slides.csv', text: over.slides ?? SLIDES },
  visits: { name: 'visits.csv', text: over.visits ?? VISITS },
});

function messages(src: CohortSources): string[] {
  const r = parseCohort(src);
  if (r.ok) throw new Error('expected the import to fail');
  return r.issues.map((i) => formatIssue(i));
}

describe('cohort import', () => {
  it('imports well-formed CSVs into typed records', () => {
    const c = importCohort(sources());
    expect(c.patients).toEqual([
      { pseudonym: 'P01', diagnosis: 'DM' },
      { pseudonym: 'P02', diagnosis: 'PM' },
      { pseudonym: 'P03', diagnosis: 'IMNM' },
    ]);
    expect(c.biopsies[1]).toEqual({ patient: 'P01', timepoint: 'month-6', date: '2024-07-09', muscle: 'vastus lateralis' });
    // marker spellings become the registry's ids
    expect(c.slides.map((s) => s.marker)).toEqual(['CD163', 'IL-1Ra', 'IL-1Ra', 'MHC-I']);
    expect(c.visits[0]).toEqual({
      patient: 'P01', timepoint: 'baseline', date: '2024-01-10',
      physicianGlobal: 6, patientGlobal: 5, mmt8: 60, haq: 1.5, extramuscular: 4, ck: 2000, fi2: 20,
    });
    // "M6" is month-6; the empty FI-2 cell is a missing measure, not 0
    expect(c.visits[1].timepoint).toBe('month-6');
    expect(c.visits[1].fi2).toBeUndefined();
    expect('fi2' in c.visits[1]).toBe(false);
  });

  it('names file, row and field for every bad cell and imports nothing', () => {
    const visits = `patient,timepoint,date,physicianGlobal,patientGlobal,mmt8,haq,extramuscular,ck,fi2
P01,baseline,2024-01-10,6,5,60,1.5,4,2000,20
P01,month-6,2024-02-30,4,4,66,1.2,5,2600,
P02,baseline,2024-02-01,3.5,4,abc,0.8,2,850,41
P02,month-6,2024-08-01,3.5,11,81,4,2,-5,0x10
P03,week-3,,2,2,50,1,1,100,
`;
    const r = parseCohort(sources({ visits }));
    expect(r.ok).toBe(false);
    expect(messages(sources({ visits }))).toEqual([
      'visits.csv row 3, field date: expected a date YYYY-MM-DD, got "2024-02-30"',
      'visits.csv row 4, field mmt8: expected a number 0–80, got "abc"',
      'visits.csv row 5, field patientGlobal: expected a number 0–10, got "11"',
      'visits.csv row 5, field mmt8: expected a number 0–80, got "81"',
      'visits.csv row 5, field haq: expected a number 0–3, got "4"',
      'visits.csv row 5, field ck: expected a number ≥ 0, got "-5"',
      'visits.csv row 5, field fi2: expected a number ≥ 0, got "0x10"',
      'visits.csv row 6, field timepoint: expected one of baseline, month-6, month-12, got "week-3"',
      'visits.csv row 6, field date: required, got an empty cell',
    ]);
    expect(() => importCohort(sources({ visits }))).toThrow(CohortImportError);
    try {
      importCohort(sources({ visits }));
    } catch (err) {
      expect((err as CohortImportError).code).toBe('COHORT_IMPORT');
      expect((err as CohortImportError).issues).toHaveLength(9);
      expect((err as Error).message).toContain('9 problems');
      expect((err as Error).message).toContain('visits.csv row 4, field mmt8: expected a number 0–80, got "abc"');
    }
  });

  it('checks rows against each other: unknown patients, duplicates, slides without a biopsy', () => {
    const patients = `${PATIENTS}P02,DM\n`;
    const biopsies = `${BIOPSIES}P09,baseline,2024-03-01,deltoid\nP02,baseline,2024-02-02,deltoid\n`;
    const slides = `${SLIDES}P01,baseline,cd-163,p01/b-cd163-again.svs\nP03,month-12,CD3,p03/m12-cd3.svs\n`;
    const visits = `${VISITS}P07,baseline,2024-01-01,1,1,70,0,0,100,\nP01,baseline,2024-01-11,6,5,60,1.5,4,2000,\n`;
    expect(messages(sources({ patients, biopsies, slides, visits }))).toEqual([
      'patients.csv row 5, field pseudonym: duplicate pseudonym P02 (first at row 3)',
      'biopsies.csv row 5, field patient: unknown patient P09 (not in patients.csv)',
      'biopsies.csv row 6, field timepoint: duplicate biopsy of P02 at baseline (first at row 4)',
      'slides.csv row 6, field marker: duplicate marker CD163 for the biopsy of P01 at baseline (first at row 2)',
      'slides.csv row 7, field timepoint: no biopsy of P03 at month-12 in biopsies.csv',
      'visits.csv row 5, field patient: unknown patient P07 (not in patients.csv)',
      'visits.csv row 6, field timepoint: duplicate visit of P01 at baseline (first at row 2)',
    ]);
  });

  it('reports malformed files: cell counts, header problems, unknown values, broken quoting', () => {
    const patients = `pseudonym,diagnosis,name
P01,DM,x
P02,XYZ
Anna Berg,DM,y
`;
    const slides = 'patient,timepoint,file\nP01,baseline,a.svs\n';
    const biopsies = 'patient,timepoint,date,muscle\n"P01,baseline,2024-01-10,deltoid\n';
    const visits = `patient,timepoint,date,mmt8
P01,baseline,2024-01-10,"6
0"
P02,baseline,2024-01-10,70
P01,month-6,2024-07-10,x
`;
    const out = messages(sources({ patients, slides, biopsies, visits }));
    expect(out).toEqual([
      'patients.csv row 1, field name: unknown column; expected pseudonym, diagnosis',
      'patients.csv row 3: expected 3 cells as in the header, got 2',
      // the value is not echoed: it may be a real name
      'patients.csv row 4, field pseudonym: expected a pseudonym (letters, digits, . _ -, at least one digit, no spaces), not a name; value not shown',
      expect.stringMatching(/^biopsies\.csv row 2: not valid CSV: Quote Not Closed/),
      'slides.csv row 1, field marker: required column missing',
      // a quoted cell over two lines: the next record starts on line 4, the bad one on line 5
      'visits.csv row 2, field mmt8: expected a number 0–80, got "6\\n0"',
      // P02's patient row was unreadable, so P02 is not a patient of this import
      'visits.csv row 4, field patient: unknown patient P02 (not in patients.csv)',
      'visits.csv row 5, field mmt8: expected a number 0–80, got "x"',
    ]);
    expect(out.join('\n')).not.toContain('Anna');
  });

  it('reports an unknown marker with the known ones and an empty file', () => {
    const slides = 'patient,timepoint,marker,file\nP01,baseline,CD999,a.svs\n';
    const out = messages(sources({ slides, biopsies: '' }));
    expect(out[0]).toBe('biopsies.csv: empty file, expected a header row');
    expect(out[1]).toMatch(/^slides\.csv row 2, field marker: unknown marker 'CD999': known markers are CD163, /);
  });

  it('reads JSON arrays with the same checks, numbering items from 1', () => {
    const visits = JSON.stringify([
      { patient: 'P01', timepoint: 'baseline', date: '2024-01-10', mmt8: 60, ck: 2000, haq: null },
      { patient: 'P01', timepoint: 'month-6', date: '2024-07-09', mmt8: '66', ck: 'high' },
      { patient: 'P01', date: '2024-07-09' },
      7,
    ]);
    const src = { ...sources(), visits: { name: 'visits.json', text: visits } };
    expect(messages(src)).toEqual([
      'visits.json item 2, field ck: expected a number ≥ 0, got "high"',
      'visits.json item 3, field timepoint: required, missing',
      'visits.json item 4: expected an object',
    ]);
    const good = JSON.stringify([{ patient: 'P01', timepoint: 'baseline', date: '2024-01-10', mmt8: 60, haq: null, fi2: '12.5' }]);
    const c = importCohort({ patients: { name: 'patients.json', text: JSON.stringify([{ pseudonym: 'P01', diagnosis: 'IBM' }]) }, visits: { name: 'visits.json', text: good } });
    expect(c.visits).toEqual([{ patient: 'P01', timepoint: 'baseline', date: '2024-01-10', mmt8: 60, fi2: 12.5 }]);
    expect(c.biopsies).toEqual([]);
    expect(messages({ patients: { name: 'patients.json', text: '{"a":1}' } })).toEqual(['patients.json: expected a JSON array of records']);
    expect(messages({ patients: { name: 'patients.json', text: '[{' } })[0]).toMatch(/^patients\.json: not valid JSON/);
  });
});
