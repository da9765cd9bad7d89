import { describe, expect, it } from 'vitest';
import { HPF_AREA_MM2 } from '../../../src/domain/params.js';
import { CohortImportError } from '../../../src/errors/index.js';
import { importManualReads, parseManualReads } from '../../../src/cohort/validation/manual-import.js';
import { MANUAL_SCORES, manualScoreSpec, scaleOf } from '../../../src/cohort/validation/score-scale.js';

const HEADER = 'Patient,Time point,Marker,Rater,Date,Score,Value,Unit';

describe('manual reads import', () => {
  it('reads every kind of catalogue score in its own unit, per HPF converted to per mm²', () => {
    const text = [
      HEADER,
      'P01,baseline,cd163,dr.a,2025-03-01,density,300.5,',
      'P01,M6,CD-163,dr.a,2025-03-01,density,19,per HPF',
      'P02,baseline,MHC-I,dr.a,2025-03-02,mhc1Grade,3,',
      'P02,baseline,MHC-I,dr.a,2025-03-02,mhc1PctPositive,42.5,',
      'P03,month-6,IL1RA,dr.b,2025-03-03,expressed,yes,',
      'P03,baseline,IL-1Ra,dr.b,2025-03-03,expressed,No,',
      'P04,baseline,CD3,dr.b,2025-03-03,infiltrateEndomysialGrade,2,',
    ].join('\n');
    const r = parseManualReads([{ name: 'reads.csv', text }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.reads.map((x) => [x.patient, x.timepoint, x.marker, x.rater, x.score, x.value, x.source])).toEqual([
      ['P01', 'baseline', 'CD163', 'dr.a', 'density', 300.5, 'reads.csv row 2'],
      ['P01', 'month-6', 'CD163', 'dr.a', 'density', 19 / HPF_AREA_MM2, 'reads.csv row 3'],
      ['P02', 'baseline', 'MHC-I', 'dr.a', 'mhc1Grade', 3, 'reads.csv row 4'],
      ['P02', 'baseline', 'MHC-I', 'dr.a', 'mhc1PctPositive', 42.5, 'reads.csv row 5'],
      ['P03', 'month-6', 'IL-1Ra', 'dr.b', 'expressed', 1, 'reads.csv row 6'],
      ['P03', 'baseline', 'IL-1Ra', 'dr.b', 'expressed', 0, 'reads.csv row 7'],
      ['P04', 'baseline', 'CD3', 'dr.b', 'infiltrateEndomysialGrade', 2, 'reads.csv row 8'],
    ]);
    // a 20× field is 0.95 mm²: 19 per HPF is 20 per mm²
    expect(19 / HPF_AREA_MM2).toBeCloseTo(19.99, 2);
  });

  it('names file, row and field of every problem, across files, and returns no read', () => {
    const csv = [
      HEADER,
      'P01,baseline,CD163,dr.a,2025-03-01,density,300,',
      'P01,month-6,CD163,dr.a,2025-02-30,density,4,', // row 3: no 30 February
      'P01,month-12,CD163,dr.a,2025-03-01,density,-4,', // row 4: a negative density
      'P02,baseline,MHC-I,dr.a,2025-03-02,mhc1Grade,6,', // row 5: grade outside 0–5
      'P02,baseline,CD163,dr.a,2025-03-02,mhc1Grade,2,', // row 6: CD163 slides have no MHC-I grade
      'P03,baseline,MHC-I,tool,2025-03-02,mhc1PctPositive,4,', // row 7: the tool's name
      'P03,baseline,MHC-I,dr.a,2025-03-02,mhc1PctPositive,4,per HPF', // row 8: per HPF for a percentage
      'Anna Berg,baseline,CD163,dr.a,2025-03-02,density,3,', // row 9: a name, not a pseudonym
    ].join('\n');
    const json = JSON.stringify([
      { patient: 'P01', timepoint: 'baseline', marker: 'CD163', rater: 'dr.a', date: '2025-03-04', score: 'density', value: 280 }, // a second read of P01
      { patient: 'P05', timepoint: 'baseline', marker: 'IL-1a', rater: 'dr.b', date: '2025-03-04', score: 'expressed', value: 'maybe' },
      { patient: 'P06', timepoint: 'baseline', marker: 'CD163', rater: 'dr.b', date: '2025-03-04', score: 'cd163Count', value: 2 },
    ]);
    const r = parseManualReads([{ name: 'reads.csv', text: csv }, { name: 'more.json', text: json }]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => [i.file, i.row, i.field])).toEqual([
      ['reads.csv', 3, 'date'],
      ['reads.csv', 4, 'value'],
      ['reads.csv', 5, 'value'],
      ['reads.csv', 6, 'score'],
      ['reads.csv', 7, 'rater'],
      ['reads.csv', 8, 'unit'],
      ['reads.csv', 9, 'patient'],
      ['more.json', 1, 'score'],
      ['more.json', 2, 'value'],
      ['more.json', 3, 'score'],
    ]);
    const msg = Object.fromEntries(r.issues.map((i) => [`${i.file}:${i.row}:${i.field}`, i.message]));
    expect(msg['reads.csv:5:value']).toBe('expected a whole grade 0–5 for mhc1Grade (0–5), got "6"');
    expect(msg['reads.csv:6:score']).toMatch(/CD163 slides have no mhc1Grade/);
    expect(msg['reads.csv:9:patient']).not.toMatch(/Anna/);
    expect(msg['reads.csv:4:value']).toBe('expected a number ≥ 0 for density (1/mm²), got "-4"');
    expect(msg['more.json:1:score']).toBe('a second read of density by dr.a for P01:baseline:CD163 (first at reads.csv row 2)');
    expect(msg['more.json:2:value']).toMatch(/expected yes or no for expressed/);
    expect(msg['more.json:3:score']).toMatch(/unknown score "cd163Count"; expected one of density, /);
    expect(() => importManualReads([{ name: 'reads.csv', text: csv }])).toThrow(CohortImportError);
    expect(() => importManualReads([{ name: 'reads.csv', text: csv }])).toThrow(/^manual reads not imported, 7 problems: reads\.csv row 3, field date: /);
  });

  it('says once when a required column is missing', () => {
    const r = parseManualReads([{ name: 'reads.csv', text: 'patient,timepoint,marker,date,score,value\nP01,baseline,CD163,2025-03-01,density,3\n' }]);
    expect(r).toEqual({ ok: false, issues: [{ file: 'reads.csv', row: 1, field: 'rater', message: 'required column missing' }] });
  });

  it('derives every scale from the score fields table', () => {
    const scale = (name: string) => scaleOf(manualScoreSpec(name)!.field);
    expect(scale('density')).toEqual({ kind: 'count' });
    expect(scale('positiveCells')).toEqual({ kind: 'count' });
    expect(scale('hScore')).toEqual({ kind: 'continuous', min: 0, max: 300 });
    expect(scale('pctPositiveArea')).toEqual({ kind: 'continuous', min: 0, max: 100 });
    expect(scale('mhc1Grade')).toEqual({ kind: 'ordinal', levels: [0, 1, 2, 3, 4, 5] });
    expect(scale('infiltratePerivascularGrade')).toEqual({ kind: 'ordinal', levels: [0, 1, 2, 3, 4] });
    expect(scale('expressed')).toEqual({ kind: 'binary' });
    expect(MANUAL_SCORES.some((s) => s.field.name.startsWith('qc') || s.field.kind === 'text')).toBe(false);
  });
});
