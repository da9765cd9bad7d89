import { describe, expect, it } from 'vitest';
import { SCORE_CSV_HEADER } from '../../src/api/scores-csv.js';
import {
  scoreExportRowsFromStore,
  scoresToCsv,
  scoresToJson,
  type ScoreExportRowInput,
} from '../../src/cohort/export-scores.js';
import { MetadataError } from '../../src/errors/index.js';
import type { SlideScores } from '../../src/domain/scores.js';

const rows: ScoreExportRowInput[] = [
  { patient: 'P01', timepoint: 'baseline', marker: 'CD163', slide: 's1.tif', scores: { h_score_0_300: 90, cells_per_mm2: 12.5 }, responder: true },
  { patient: 'P01', timepoint: '6m', marker: 'CD163', slide: 's2.tif', scores: { h_score_0_300: 45.25, cells_per_mm2: -0 }, responder: true, reviewState: 'signed_off', reviewVersion: 2 },
  // comma, quote and newline in text; a formula-looking patient id; a score only this row has; unknown responder
  { patient: '=HYPERLINK("x")', timepoint: 'baseline', marker: 'MHC-I', slide: 'dir, "a"\nb.tif', scores: { h_score_0_300: NaN, mhc1_grade_0_5: 3 }, responder: null },
  { patient: 'P03', timepoint: '6m', marker: 'IL-1Ra', slide: '-x.svs', scores: { h_score_0_300: -1.5 }, responder: false },
];

describe('score CSV export', () => {
  it('writes RFC 4180 CSV with the union of score columns, quoting and formula guard', () => {
    expect(scoresToCsv(rows)).toBe(
      [
        'patient,timepoint,biopsy,marker,slide,review_state,review_version,h_score_0_300,cells_per_mm2,mhc1_grade_0_5,responder',
        'P01,baseline,P01:baseline,CD163,s1.tif,,,90,12.5,,true',
        'P01,6m,P01:6m,CD163,s2.tif,signed_off,2,45.25,0,,true',
        `"'=HYPERLINK(""x"")",baseline,"'=HYPERLINK(""x""):baseline",MHC-I,"dir, ""a""\nb.tif",,,,,3,`,
        "P03,6m,P03:6m,IL-1Ra,'-x.svs,,,-1.5,,,false",
        '',
      ].join('\r\n'),
    );
  });

  it('follows an explicit column order and refuses a score named like an id column', () => {
    expect(scoresToCsv(rows.slice(0, 1), { scoreNames: ['cells_per_mm2'] })).toBe(
      'patient,timepoint,biopsy,marker,slide,review_state,review_version,cells_per_mm2,responder\r\nP01,baseline,P01:baseline,CD163,s1.tif,,,12.5,true\r\n',
    );
    expect(() => scoresToCsv([{ ...rows[0], scores: { patient: 1 } }])).toThrow(/score name "patient" collides/);
  });

  it('names the row and field of a bad row', () => {
    const bad = [rows[0], { ...rows[1], patient: 'P07', scores: { h_score_0_300: Infinity } }];
    expect(() => scoresToCsv(bad)).toThrow(MetadataError);
    expect(() => scoresToCsv(bad)).toThrow(/row 1 \(patient P07\): scores\.h_score_0_300/);
    expect(() => scoresToJson([{ ...rows[0], timepoint: '' }])).toThrow(/row 0 \(patient P01\): timepoint/);
  });
});

describe('score JSON export', () => {
  it('is the validated array with NaN as null', () => {
    const parsed = JSON.parse(scoresToJson(rows));
    expect(parsed).toHaveLength(4);
    expect(parsed[2]).toEqual({
      patient: '=HYPERLINK("x")', timepoint: 'baseline', marker: 'MHC-I', slide: 'dir, "a"\nb.tif',
      scores: { h_score_0_300: null, mhc1_grade_0_5: 3 }, responder: null,
    });
    expect(parsed[3].scores).toEqual({ h_score_0_300: -1.5 });
  });
});

describe('rows from stored analyses', () => {
  const scores: SlideScores = {
    tissueAreaMm2: 1, cells: 100, cellsPerMm2: 100, positiveCells: 50, positiveCellsPerMm2: 50,
    pctNegative: 50, pct1: 20, pct2: 20, pct3: 10, pctPositive: 50, hScore: 90,
    allredProportion: 4, allredIntensity: 2, allred: 6, pctPositiveArea: 27.5, pixelHScore: 58.75,
  };

  it('names the stored scores by field name and writes them under the API CSV column names', () => {
    const { rows: out } = scoreExportRowsFromStore([{ patient: 'P01', timepoint: 'baseline', marker: 'CD163', path: 'a.tif', scores }]);
    const header = scoresToCsv(out).split('\r\n')[0].split(',');
    expect(header.slice(7, -1)).toEqual(SCORE_CSV_HEADER.filter((c) => header.includes(c) && !['patient', 'timepoint', 'biopsy', 'marker', 'review_state', 'review_version'].includes(c)));
    expect(header).toEqual(expect.arrayContaining(['tissue_area_mm2', 'pct_negative_cells', 'h_score_0_300', 'allred_0_8', 'pixel_h_score_0_300']));
    expect(header.slice(7, -1)).toHaveLength(16);
  });

  it('maps scores by name, looks responders up by patient and skips slides without cohort metadata', () => {
    const { rows: out, skipped } = scoreExportRowsFromStore(
      [
        { patient: 'P01', timepoint: 'baseline', marker: 'CD163', path: 'a.tif', scores },
        { patient: null, timepoint: 'baseline', marker: 'CD163', path: 'orphan.tif', scores },
        { patient: 'P02', timepoint: '6m', marker: 'CD163', path: 'b.tif', scores },
      ],
      new Map([['P01', true]]),
    );
    expect(skipped).toEqual(['orphan.tif']);
    expect(out.map((r) => [r.patient, r.slide, r.responder])).toEqual([['P01', 'a.tif', true], ['P02', 'b.tif', null]]);
    expect(out[0].scores.hScore).toBe(90);
    expect(out[0].scores.pixelHScore).toBe(58.75);
    expect(out[0].scores.allred).toBe(6);
    expect(Object.keys(out[0].scores)).toHaveLength(16);
  });
});
