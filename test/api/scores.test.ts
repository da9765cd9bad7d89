import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORE_CSV_HEADER } from '../../src/api/scores-csv.js';
import { SCORE_FIELDS, scoreFieldsJson, scoresForMarker } from '../../src/domain/score-fields.js';
import type { ScoreRow } from '../../src/store/store.js';
import { MARKER_SCORES, markerScores } from '../store/fixtures.js';
import { seedScores, type Seeded } from './seed-scores.js';
import { bearer, openApi, type Api } from './setup.js';

let api: Api;
let seeded: Seeded[];
let stored: ScoreRow[];

beforeAll(async () => {
  api = await openApi();
  seeded = await seedScores(api.store, [
    { name: 's1', patient: 'P1', timepoint: 'baseline', marker: 'CD163', cells: 40, markerScores: markerScores('cd163') },
    // finished without marker scores
    { name: 's2', patient: 'P1', timepoint: 'month-6', marker: 'CD163', cells: 25 },
    { name: 's3', patient: 'P1', timepoint: 'baseline', marker: 'IL1RA', cells: 31, markerScores: markerScores('il1ra') },
    // CD163 without a location classifier: no locations, infiltrates skipped
    { name: 's4', patient: 'P2', timepoint: 'baseline', marker: 'CD163', cells: 12, markerScores: markerScores('cd163Unlocated') },
    // a marker name a spreadsheet would run as a formula (a patient id cannot be one: pseudonyms start with a letter or digit)
    { name: 's5', patient: 'P5', timepoint: 'baseline', marker: '=HYPERLINK("x")', cells: 7 },
    { name: 's6', patient: 'P3', timepoint: 'baseline', marker: 'MHC-I', cells: 9, markerScores: markerScores('mhc1') },
  ]);
  stored = await api.store.listScores();
});
afterAll(() => api.close());

async function get(url: string) {
  return api.app.inject({ method: 'GET', url, headers: bearer(api.token.reader) });
}
const slideIdsOf = (body: { slideId: number }[]) => body.map((r) => r.slideId).sort((a, b) => a - b);
const idsWhere = (f: (s: Seeded) => boolean) => seeded.filter(f).map((s) => s.slideId).sort((a, b) => a - b);

describe('GET /scores (JSON)', () => {
  it('returns every finished analysis with its scores and provenance as the store has them', async () => {
    const res = await get('/scores');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toHaveLength(6);
    for (const r of body) {
      const s = stored.find((x) => x.analysisId === r.analysisId)!;
      // only the fields the slide's marker has: no cell scores on MHC-I
      expect(r.scores).toEqual(scoresForMarker(s.scores, s.marker));
      if (s.marker === 'MHC-I') expect(r.scores).not.toHaveProperty('hScore');
      else expect(r.scores.hScore).toBe(s.scores.hScore);
      expect(r.markerScores).toEqual(s.markerScores);
      expect(r).toMatchObject({ slideId: s.slideId, patient: s.patient, paramsHash: s.paramsHash, codeVersion: 'test-1', analysisMppUm: 0.505, slideMppUm: 0.2525 });
      expect(r.computedAt).toBe(s.computedAt.toISOString());
      expect(r.biopsy).toBe(`${s.patient}:${s.timepoint}`);
    }
  });

  it('carries the marker scores as stored, null for an analysis finished without them', async () => {
    const body: { slideId: number; markerScores: unknown }[] = (await get('/scores')).json();
    const of = (i: number) => body.find((r) => r.slideId === seeded[i].slideId)!.markerScores;
    expect(of(0)).toStrictEqual(MARKER_SCORES.cd163);
    expect(of(1)).toBeNull();
    expect(of(2)).toStrictEqual(MARKER_SCORES.il1ra);
    expect(of(3)).toStrictEqual(MARKER_SCORES.cd163Unlocated);
    expect(of(5)).toStrictEqual(MARKER_SCORES.mhc1);
    const one = (await get(`/slides/${seeded[5].slideId}/scores`)).json();
    expect(one[0].markerScores).toStrictEqual(MARKER_SCORES.mhc1);
  });

  it.each([
    ['patient=P1', (s: Seeded) => s.patient === 'P1'],
    ['marker=CD163', (s: Seeded) => s.marker === 'CD163'],
    ['timepoint=month-6', (s: Seeded) => s.timepoint === 'month-6'],
    ['patient=P1&marker=CD163&timepoint=baseline', (s: Seeded) => s.patient === 'P1' && s.marker === 'CD163' && s.timepoint === 'baseline'],
    ['biopsy=P1:baseline', (s: Seeded) => s.patient === 'P1' && s.timepoint === 'baseline'],
    ['biopsy=P1:baseline&patient=P2', () => false],
    ['patient=P404', () => false],
  ])('filters by %s', async (q, want) => {
    const res = await get(`/scores?${q}`);
    expect(res.statusCode).toBe(200);
    expect(slideIdsOf(res.json())).toEqual(idsWhere(want));
  });

  it('filters by slide id', async () => {
    const res = await get(`/scores?slide=${seeded[2].slideId}`);
    expect(slideIdsOf(res.json())).toEqual([seeded[2].slideId]);
  });

  it('refuses unknown filters and malformed values with 400 naming the field', async () => {
    const unknown = await get('/scores?patinet=P1');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/^querystring: Unrecognized key: "patinet"/);
    const slide = await get('/scores?slide=abc');
    expect(slide.statusCode).toBe(400);
    expect(slide.json().message).toMatch(/^querystring\.slide: /);
    const biopsy = await get('/scores?biopsy=P1');
    expect(biopsy.json().message).toBe('querystring.biopsy: must be <patient>:<timepoint>');
    const format = await get('/scores?format=xml');
    expect(format.json().message).toMatch(/^querystring\.format: /);
  });
});

describe('GET /scores?format=csv', () => {
  it('has a header row with units in the column names and one row per analysis, values as stored', async () => {
    const res = await get('/scores?format=csv&marker=CD163');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="scores.csv"');
    const lines = res.body.split('\r\n');
    expect(lines.at(-1)).toBe('');
    const header = lines[0].split(',');
    expect(header).toEqual(SCORE_CSV_HEADER);
    expect(header).toEqual(expect.arrayContaining(['tissue_area_mm2', 'cells_per_mm2', 'positive_cells_per_mm2', 'h_score_0_300', 'allred_0_8', 'pct_positive_area', 'slide_mpp_um_per_px']));
    const rows = lines.slice(1, -1);
    const cd163 = stored.filter((s) => s.marker === 'CD163');
    expect(rows).toHaveLength(cd163.length);

    const col = (name: string) => header.indexOf(name);
    const p1 = rows.map((r) => r.split(',')).find((c) => c[col('patient')] === 'P1' && c[col('timepoint')] === 'baseline')!;
    const s = cd163.find((x) => x.patient === 'P1' && x.timepoint === 'baseline')!;
    expect(Number(p1[col('analysis_id')])).toBe(s.analysisId);
    expect(Number(p1[col('h_score_0_300')])).toBe(s.scores.hScore);
    expect(Number(p1[col('cells_per_mm2')])).toBe(s.scores.cellsPerMm2);
    expect(Number(p1[col('tissue_area_mm2')])).toBe(s.scores.tissueAreaMm2);
    expect(Number(p1[col('allred_0_8')])).toBe(s.scores.allred);
    expect(p1[col('biopsy')]).toBe('P1:baseline');
    expect(p1[col('path')]).toBe(s.path);
    expect(p1[col('computed_at')]).toBe(s.computedAt.toISOString());
  });

  it('flattens the marker scores into columns, empty where a scorer did not run or was skipped', async () => {
    const res = await get('/scores?format=csv');
    const [head, ...rest] = res.body.split('\r\n').slice(0, -1);
    const header = head.split(',');
    const markerColumns = header.slice(header.indexOf('pixel_h_score_0_300') + 1, header.indexOf('stain_source'));
    // one column per score field (src/domain/score-fields.ts), then which marker scorer ran and which were skipped
    expect(markerColumns).toEqual([
      'density_endomysial_per_mm2', 'density_perimysial_per_mm2', 'density_perivascular_per_mm2',
      'cd163_positive_cells_per_mm2', 'cd163_pct_positive_area',
      'cd163_endomysial_per_mm2', 'cd163_perimysial_per_mm2', 'cd163_perivascular_per_mm2',
      'infiltrate_cells_per_mm2',
      'infiltrate_endomysial_per_mm2', 'infiltrate_perimysial_per_mm2', 'infiltrate_perivascular_per_mm2',
      'infiltrate_endomysial_grade', 'infiltrate_perimysial_grade', 'infiltrate_perivascular_grade',
      'clusters_endomysial', 'clusters_perimysial', 'clusters_perivascular', 'clusters',
      'il1_expressed',
      'mhc1_fibres', 'mhc1_positive_fibres', 'mhc1_pct_positive_fibres', 'mhc1_grade', 'mhc1_pattern',
      // quality control: empty on these slides, analysed without it
      'qc_verdict', 'qc_excluded_pct', 'qc_excluded_focus_pct', 'qc_excluded_fold_pct', 'qc_excluded_ice_pct', 'qc_excluded_pen_pct', 'qc_excluded_bubble_pct',
      'marker_id', 'skipped_scorers',
    ]);
    // the formula-guarded marker is quoted with commas inside; its row has no marker scores
    const rows = rest.filter((l) => !l.includes('HYPERLINK')).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    const rowOf = (i: number) => rows.find((r) => Number(r.slide_id) === seeded[i].slideId)!;
    const marker = (r: Record<string, string>) => Object.fromEntries(markerColumns.map((c) => [c, r[c]]));
    const empty = Object.fromEntries(markerColumns.map((c) => [c, '']));

    // CD163 with locations: 157 cells / 2.5 mm² = 62.8; 100, 45, 12 cells → 40, 18, 4.8 /mm²
    expect(marker(rowOf(0))).toEqual({
      ...empty,
      marker_id: 'CD163',
      // the marker's own density by location: CD163+ macrophages for CD163
      density_endomysial_per_mm2: '40', density_perimysial_per_mm2: '18', density_perivascular_per_mm2: '4.8',
      cd163_positive_cells_per_mm2: '62.8', cd163_pct_positive_area: '1.249',
      cd163_endomysial_per_mm2: '40', cd163_perimysial_per_mm2: '18', cd163_perivascular_per_mm2: '4.8',
      infiltrate_cells_per_mm2: '24',
      infiltrate_endomysial_per_mm2: '8', infiltrate_perimysial_per_mm2: '4.8', infiltrate_perivascular_per_mm2: '11.2',
      infiltrate_endomysial_grade: '1', infiltrate_perimysial_grade: '2', infiltrate_perivascular_grade: '2',
      clusters_endomysial: '0', clusters_perimysial: '1', clusters_perivascular: '1', clusters: '2',
    });
    expect(marker(rowOf(1))).toEqual(empty);
    expect(marker(rowOf(2))).toEqual({ ...empty, marker_id: 'IL-1Ra', il1_expressed: 'true' });
    expect(marker(rowOf(3))).toEqual({
      ...empty,
      marker_id: 'CD163', cd163_positive_cells_per_mm2: '40', cd163_pct_positive_area: '0.75', skipped_scorers: 'infiltrates',
    });
    // MHC-I: 87 of 412 fibres = 21.1165…%, grade 2 (10–25%)
    const mhc1 = marker(rowOf(5));
    expect(mhc1).toEqual({
      ...empty,
      marker_id: 'MHC-I', mhc1_fibres: '412', mhc1_positive_fibres: '87', mhc1_pct_positive_fibres: mhc1.mhc1_pct_positive_fibres,
      mhc1_grade: '2', mhc1_pattern: 'perifascicular',
    });
    expect(Number(mhc1.mhc1_pct_positive_fibres)).toBe(8700 / 412);
    expect(Number(mhc1.mhc1_pct_positive_fibres)).toBeCloseTo(21.1165, 4);
  });

  it('quotes text with commas or quotes and defuses spreadsheet formulas', async () => {
    const res = await get('/scores?format=csv&patient=P5');
    const row = res.body.split('\r\n')[1];
    // '=HYPERLINK("x")  →  "'=HYPERLINK(""x"")"
    expect(row).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('an empty selection is just the header', async () => {
    const res = await get('/scores?format=csv&patient=P404');
    expect(res.body).toBe(`${SCORE_CSV_HEADER.join(',')}\r\n`);
  });
});

describe('OpenAPI document', () => {
  it('describes markerScores (nullable, with the MHC-I grade range) in both score responses', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const route of ['/scores', '/slides/{id}/scores']) {
      const item = doc.paths[route].get.responses['200'].content['application/json'].schema.items;
      expect(item.required, route).toContain('markerScores');
      const ms = item.properties.markerScores;
      expect(ms.nullable, route).toBe(true);
      expect(ms.required).toEqual(['marker', 'cd163', 'infiltrates', 'il1', 'mhc1', 'skipped']);
      expect(ms.properties.mhc1.properties.grade).toMatchObject({ type: 'integer', minimum: 0, maximum: 5 });
      expect(ms.properties.infiltrates.properties.byLocation.required).toEqual(['endomysial', 'perimysial', 'perivascular']);
      // the stored scores carry their unit and CSV column from the score fields table
      expect(item.properties.scores.properties.hScore.description, route).toBe("cell H-score: 1·%1+ + 2·%2+ + 3·%3+ (0–300); CSV column h_score_0_300; only on slides whose marker runs the 'cells' scorer");
    }
  });

  it('lists GET /score-fields, open without a token, with the field schema', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const op = doc.paths['/score-fields'].get;
    expect(op.security).toBeUndefined();
    const item = op.responses['200'].content['application/json'].schema.items;
    expect(item.required).toEqual(expect.arrayContaining(['name', 'from', 'unit', 'csv', 'column', 'label', 'digits', 'markers']));
  });
});

describe('GET /score-fields', () => {
  it('serves the score fields table with the markers each field applies to', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/score-fields' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual(scoreFieldsJson());
    expect(body.map((f: { csv: string }) => f.csv)).toEqual(SCORE_FIELDS.map((f) => f.csv));
    expect(body.find((f: { name: string }) => f.name === 'mhc1Grade')).toMatchObject({ markers: ['MHC-I'], csv: 'mhc1_grade', column: null, from: ['markerScores.mhc1.grade'] });
    expect(body.find((f: { name: string }) => f.name === 'hScore')).toMatchObject({ column: 'h_score', csv: 'h_score_0_300', digits: 1 });
  });
});

describe('GET /slides/:id/scores', () => {
  it("returns that slide's scores, 404 for a slide without any", async () => {
    const res = await get(`/slides/${seeded[1].slideId}/scores`);
    expect(res.statusCode).toBe(200);
    expect(res.json().map((r: { analysisId: number }) => r.analysisId)).toEqual([seeded[1].analysisId]);
    const missing = await get('/slides/99999/scores');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe('slide 99999 has no finished analysis');
    expect((await get('/slides/x/scores')).statusCode).toBe(400);
  });
});
