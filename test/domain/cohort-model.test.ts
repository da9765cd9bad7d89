import { describe, expect, it } from 'vitest';
import { Biopsy, BiopsySlide, Timepoint } from '../../src/domain/biopsy.js';
import { CORE_MEASURES, MEASURES, Visit, measureSpec } from '../../src/domain/outcome.js';
import { Patient } from '../../src/domain/patient.js';

describe('patient', () => {
  it('takes study pseudonyms and the five diagnoses', () => {
    for (const pseudonym of ['P01', 'dm-012', 'IBM_7', 'x.9']) {
      expect(Patient.parse({ pseudonym, diagnosis: 'DM' }).pseudonym).toBe(pseudonym);
    }
    for (const diagnosis of ['DM', 'PM', 'IBM', 'IMNM', 'ASS']) expect(Patient.safeParse({ pseudonym: 'P1', diagnosis }).success).toBe(true);
    expect(Patient.safeParse({ pseudonym: 'P1', diagnosis: 'SLE' }).success).toBe(false);
  });

  it('refuses what looks like a name: spaces, no digit', () => {
    for (const pseudonym of ['Anna Berg', 'Smith', '', 'P 01', `P${'1'.repeat(64)}`]) {
      expect(Patient.safeParse({ pseudonym, diagnosis: 'PM' }).success, pseudonym).toBe(false);
    }
  });
});

describe('biopsy and slides', () => {
  it('has three ordered timepoints and real calendar dates', () => {
    expect(Timepoint.options).toEqual(['baseline', 'month-6', 'month-12']);
    const b = { patient: 'P1', timepoint: 'month-6', date: '2024-02-29', muscle: 'deltoid' };
    expect(Biopsy.parse(b)).toEqual(b);
    expect(Biopsy.safeParse({ ...b, date: '2023-02-29' }).success).toBe(false);
    expect(Biopsy.safeParse({ ...b, timepoint: 'month-3' }).success).toBe(false);
  });

  it('stores a slide marker under its registry id', () => {
    const s = BiopsySlide.parse({ patient: 'P1', timepoint: 'baseline', marker: 'il-1 ra', file: 'a.svs' });
    expect(s.marker).toBe('IL-1Ra');
    const bad = BiopsySlide.safeParse({ patient: 'P1', timepoint: 'baseline', marker: 'CD999', file: 'a.svs' });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues[0].message).toContain("unknown marker 'CD999'");
  });
});

describe('visit outcomes', () => {
  it('six IMACS core measures; MMT-8 and FI-2 are higher-better, the rest lower-better', () => {
    expect(CORE_MEASURES.map((m) => m.id)).toEqual(['physicianGlobal', 'patientGlobal', 'mmt8', 'haq', 'extramuscular', 'ck']);
    expect(MEASURES.filter((m) => m.better === 'higher-better').map((m) => m.id)).toEqual(['mmt8', 'fi2']);
    expect([measureSpec('mmt8').max, measureSpec('haq').max, measureSpec('physicianGlobal').max]).toEqual([80, 3, 10]);
  });

  it('checks ranges and lets measures be missing', () => {
    const v = { patient: 'P1', timepoint: 'baseline', date: '2024-01-01' };
    expect(Visit.parse(v)).toEqual(v);
    expect(Visit.safeParse({ ...v, mmt8: 80, haq: 3, ck: 25000, fi2: 0 }).success).toBe(true);
    for (const bad of [{ mmt8: 81 }, { haq: 3.1 }, { physicianGlobal: -1 }, { ck: -1 }, { extramuscular: Number.NaN }]) {
      expect(Visit.safeParse({ ...v, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
