import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCORE_CSV_HEADER, scoresCsv } from '../../src/api/scores-csv.js';
import { markerLines, scoreTable } from '../../src/cli/score-table.js';
import { scoresToCsv } from '../../src/cohort/export-scores.js';
import { researchExportRows } from '../../src/cohort/research-exports.js';
import { SCORES, scoreValues } from '../../src/cohort/score-catalogue.js';
import { fieldValue, formatField, markersOf, SCORE_FIELDS, scoreFieldsJson, slideScoreKey, type ScoreField } from '../../src/domain/score-fields.js';
import { SlideScores } from '../../src/domain/scores.js';
import type { QcSummary } from '../../src/domain/qc.js';
import type { SlideOutcome } from '../../src/pipeline/analyse-slide.js';
import { CELL_LOCATIONS } from '../../src/score/cell-location.js';
import type { MarkerScores } from '../../src/score/marker-scores.js';
import { SCORE_COLUMNS, scoreSelectList, UPSERT_SCORES_SQL } from '../../src/store/score-columns.js';
import type { ScoreRow } from '../../src/store/store.js';
import { MARKER_SCORES } from '../store/fixtures.js';

/**
 * Adding a score field is one entry in SCORE_FIELDS: every output is derived from the table. These
 * tests add nothing; they check each derivation against every entry of the table, so a new entry
 * is checked the moment it is written.
 */

const scores: SlideScores = {
  tissueAreaMm2: 2.5, cells: 400, cellsPerMm2: 160, positiveCells: 157, positiveCellsPerMm2: 62.8,
  pctNegative: 60.75, pct1: 20, pct2: 12.25, pct3: 7, pctPositive: 39.25, hScore: 65.5,
  allredProportion: 4, allredIntensity: 1, allred: 5, pctPositiveArea: 1.249, pixelHScore: 12.125,
};
/** a slide QC looked at: 6.5 % excluded (pen and focus overlapping), over the review bar in a strict lab */
const qc: QcSummary = {
  verdict: 'review',
  excludedPct: { focus: 2.25, fold: 0, ice: 0, pen: 4.5, bubble: 0, any: 6.5 },
  excludedMm2: 0.174,
  causes: ['focus', 'fold', 'ice', 'pen', 'bubble'],
};
const KINDS = Object.keys(MARKER_SCORES) as (keyof typeof MARKER_SCORES)[];
const slideOf = (m: MarkerScores | null) => ({ scores, markerScores: m, qc });
/** the field's value on any fixture slide: every path must lead somewhere on at least one */
const anyValue = (f: ScoreField) => KINDS.map((k) => fieldValue(f, slideOf(MARKER_SCORES[k]))).find((v) => v !== undefined);

const row = (m: MarkerScores | null): ScoreRow =>
  ({
    analysisId: 1, slideId: 1, path: 'a.tif', sha256: 'x', format: 'tiff', patient: 'P1', timepoint: 'baseline', marker: m?.marker ?? 'CD163',
    slideMpp: 0.25, mppSource: 'file', analysisMpp: 0.5, level: 1, paramsHash: 'h', params: {}, stain: { source: 'default' },
    codeVersion: 'v', modelId: null, computedAt: new Date(0), scores, markerScores: m, qc, review: { state: 'analysed', version: 0, corrections: 0 },
  }) as unknown as ScoreRow;

describe('the score fields table', () => {
  it('reads a value for every field from the stored scores or the marker scores of some marker', () => {
    for (const f of SCORE_FIELDS) expect(anyValue(f), f.name).not.toBeUndefined();
  });

  it('reads the stored numbers, and the marker density falls back as documented', () => {
    const by = (name: string) => SCORE_FIELDS.find((f) => f.name === name)!;
    expect(fieldValue(by('hScore'), slideOf(null))).toBe(65.5);
    expect(fieldValue(by('mhc1Grade'), slideOf(MARKER_SCORES.mhc1))).toBe(MARKER_SCORES.mhc1.mhc1!.grade);
    expect(fieldValue(by('mhc1Grade'), slideOf(MARKER_SCORES.cd163))).toBeUndefined();
    expect(fieldValue(by('clusters'), slideOf(MARKER_SCORES.cd163))).toBe(2);
    expect(fieldValue(by('expressed'), slideOf(MARKER_SCORES.il1ra))).toBe(true);
    // CD163: its own macrophages; IL-1Ra (no CD163, no infiltrates): positive cells
    expect(fieldValue(by('density'), slideOf(MARKER_SCORES.cd163))).toBe(MARKER_SCORES.cd163.cd163!.positiveCellsPerMm2);
    expect(fieldValue(by('density'), slideOf(MARKER_SCORES.il1ra))).toBe(62.8);
    expect(fieldValue(by('density_perivascular'), slideOf(MARKER_SCORES.cd163))).toBe(4.8);
    // quality control: the verdict and the excluded shares, absent where QC did not run
    expect(fieldValue(by('qcVerdict'), slideOf(null))).toBe('review');
    expect(fieldValue(by('qcExcludedPct'), slideOf(null))).toBe(6.5);
    expect(fieldValue(by('qcExcludedPenPct'), slideOf(null))).toBe(4.5);
    expect(fieldValue(by('qcVerdict'), { scores, markerScores: null, qc: null })).toBeUndefined();
  });

  it('gives every SlideScores field exactly one store column, named as in the migrations', () => {
    const sql = readdirSync(new URL('../../src/store/migrations/', import.meta.url))
      .map((f) => readFileSync(new URL(`../../src/store/migrations/${f}`, import.meta.url), 'utf8'))
      .join('\n');
    expect(Object.keys(SCORE_COLUMNS).sort()).toEqual(SlideScores.keyof().options.slice().sort());
    for (const f of SCORE_FIELDS.filter((x) => x.column !== null)) {
      expect(sql, f.column!).toMatch(new RegExp(`\\b${f.column}\\b`));
      expect(scoreSelectList('s')).toContain(`s.${f.column} AS "score_${slideScoreKey(f)}"`);
      expect(UPSERT_SCORES_SQL).toContain(`${f.column} = excluded.${f.column}`);
    }
  });

  it('keeps the locations of the per-location fields those of the location classifier', () => {
    for (const l of CELL_LOCATIONS) expect(SCORE_FIELDS.some((f) => f.name === `density_${l}`)).toBe(true);
  });

  it('says which markers have each field, from the marker registry', () => {
    expect(markersOf({ scorer: 'area' })).toHaveLength(10);
    expect(markersOf({ scorer: 'cells' })).toHaveLength(9);
    expect(markersOf({ scorer: 'cells' })).not.toContain('MHC-I');
    expect(markersOf({ scorer: 'mhc1' })).toEqual(['MHC-I']);
    expect(markersOf({ scorer: 'il1' })).toEqual(['IL-1a', 'IL-1b', 'IL-1Ra']);
    expect(scoreFieldsJson().map((f) => f.name)).toEqual(SCORE_FIELDS.map((f) => f.name));
  });
});

describe('every output derives from the table', () => {
  it('the API scores CSV has a column per field, with its value', () => {
    const csv = scoresCsv(KINDS.map((k) => row(MARKER_SCORES[k]))).split('\r\n');
    const header = csv[0].split(',');
    expect(header).toEqual(SCORE_CSV_HEADER);
    for (const f of SCORE_FIELDS) {
      expect(header, f.name).toContain(f.csv);
      const cells = csv.slice(1, -1).map((l) => l.split(',')[header.indexOf(f.csv)]);
      expect(cells, f.name).toEqual(KINDS.map((k) => {
        const v = fieldValue(f, slideOf(MARKER_SCORES[k]));
        return v === undefined ? '' : String(v);
      }));
    }
  });

  it('the catalogue (compare --score, cohort exports) lists the comparable fields, the cohort CSV names them as the API CSV', () => {
    const comparable = SCORE_FIELDS.filter((f) => f.compare);
    expect(SCORES.map((s) => s.name)).toEqual(comparable.map((f) => f.name));
    const analyses = new Map(KINDS.map((k, i) => [i, { patient: 'P1', timepoint: `t${i}`, marker: MARKER_SCORES[k].marker, path: `${k}.tif`, scores, markerScores: MARKER_SCORES[k], review: { state: 'analysed', version: 0, corrections: 0 } }]));
    const rows = researchExportRows({ analyses, imacs: [] } as never);
    const header = scoresToCsv(rows).split('\r\n')[0].split(',');
    for (const f of comparable) {
      expect(header, f.name).toContain(f.csv);
      expect(SCORE_CSV_HEADER, f.name).toContain(f.csv);
      const v = anyValue(f);
      expect(KINDS.some((k) => scoreValues(scores, MARKER_SCORES[k])[f.name] === (typeof v === 'boolean' ? Number(v) : v)), f.name).toBe(true);
    }
  });

  it('the CLI table has a column per headline field and the marker lines every marker field', () => {
    const outcomes = KINDS.map((k): SlideOutcome => ({ ok: true, path: `${k}.tif`, scores, markerScores: MARKER_SCORES[k], qc }) as SlideOutcome);
    const table = scoreTable(outcomes);
    const lines = markerLines(outcomes);
    for (const f of SCORE_FIELDS.filter((x) => x.summary)) {
      expect(table, f.name).toContain(f.label);
      expect(table, f.name).toContain(formatField(f, fieldValue(f, slideOf(null))));
    }
    for (const f of SCORE_FIELDS.filter((x) => x.scorer !== 'cells' && x.scorer !== 'area')) expect(lines, f.name).toContain(`${f.label} ${formatField(f, anyValue(f))}`);
  });

  it("the viewer's reader and format (src/web/score-rows.js) agree with the table's", async () => {
    const web = (await import(['..', '..', 'src', 'web', 'score-rows.js'].join('/'))) as {
      fieldValue: (f: ScoreField, s: object) => { value: unknown; at: string } | undefined;
      formatField: (f: ScoreField, v: unknown) => string;
    };
    for (const f of scoreFieldsJson()) {
      for (const k of KINDS) {
        const slide = slideOf(MARKER_SCORES[k]);
        const v = fieldValue(f, slide);
        expect(web.fieldValue(f, slide)?.value, f.name).toBe(v);
        expect(web.formatField(f, v), f.name).toBe(formatField(f, v));
      }
    }
  });
});
