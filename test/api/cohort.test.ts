import { getIssues } from '@placemarkio/check-geojson';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortInput, seedAnalysis, seedCohort } from './seed-cohort.js';
import { bearer, openApi, type Api } from './setup.js';

let api: Api;
beforeAll(async () => {
  api = await openApi();
});
afterAll(() => api?.close());

const get = (url: string, token = api.token.reader) => api.app.inject({ method: 'GET', url, headers: bearer(token) });

const PATIENTS_CSV = 'pseudonym,diagnosis\nP01,DM\nP02,PM\n';
const BIOPSIES_CSV = 'patient,timepoint,date,muscle\nP01,baseline,2024-01-10,deltoid\nP02,baseline,2024-01-11,deltoid\n';
const VISITS_CSV = 'patient,timepoint,date,mmt8,fi2\nP01,baseline,2024-01-10,60,12\nP02,baseline,2024-01-11,64,15\n';

describe('POST /cohort/import', () => {
  const post = (payload: object, token = api.token.submitter) =>
    api.app.inject({ method: 'POST', url: '/cohort/import', headers: bearer(token), payload });

  it('refuses a malformed CSV with every row/field problem and stores nothing', async () => {
    const before = await api.store.getCohort();
    const res = await post({
      patients: { name: 'patients.csv', text: PATIENTS_CSV },
      biopsies: { name: 'biopsies.csv', text: BIOPSIES_CSV },
      // row 3: P02's MMT-8 is not a number; row 2 is valid
      visits: { name: 'visits.csv', text: 'patient,timepoint,date,mmt8,fi2\nP01,baseline,2024-01-10,60,12\nP02,baseline,2024-01-11,strong,15\n' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.issues).toEqual([{ file: 'visits.csv', row: 3, field: 'mmt8', message: expect.stringMatching(/strong/) }]);
    expect(body.message).toMatch(/^cohort not imported, 1 problem: visits\.csv row 3, field mmt8: /);
    expect(await api.store.getCohort()).toStrictEqual(before);
    expect(before.patients).toEqual([]);
  });

  it('imports for a submitter (not a reader); GET /cohort nests biopsies, slides and visits per patient', async () => {
    const payload = {
      patients: { name: 'patients.csv', text: PATIENTS_CSV },
      biopsies: { name: 'biopsies.csv', text: BIOPSIES_CSV },
      slides: { name: 'slides.json', text: JSON.stringify([{ patient: 'P01', timepoint: 'baseline', marker: 'il1ra', file: 'p01-il1ra.tif' }]) },
      visits: { name: 'visits.csv', text: VISITS_CSV },
    };
    expect((await post(payload, api.token.reader)).statusCode).toBe(403);
    expect(await api.store.getCohort()).toStrictEqual({ patients: [], biopsies: [], slides: [], visits: [] });
    const res = await post(payload);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ patients: 2, biopsies: 2, slides: 1, visits: 2, replaced: [] });
    const cohort = await get('/cohort');
    expect(cohort.statusCode).toBe(200);
    expect(cohort.json().patients[0]).toEqual({
      pseudonym: 'P01',
      diagnosis: 'DM',
      biopsies: [{ timepoint: 'baseline', date: '2024-01-10', muscle: 'deltoid', slides: [{ marker: 'IL-1Ra', file: 'p01-il1ra.tif' }] }],
      visits: [{ timepoint: 'baseline', date: '2024-01-10', mmt8: 60, fi2: 12 }],
    });
    expect((await api.app.inject({ method: 'GET', url: '/cohort' })).statusCode).toBe(401);
  });

  it('a body without the patients file is a 400 naming the field', async () => {
    const res = await post({ visits: { name: 'visits.csv', text: VISITS_CSV } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/^body\.patients: /);
  });
});

describe('comparisons, exports and plots over the seeded six-patient cohort', () => {
  let geo: { analysisId: number };
  beforeAll(async () => {
    await seedCohort(api.store);
    geo = await seedAnalysis(api.store, { name: 'geo-mhc1', patient: 'P01', timepoint: 'month-12', marker: 'MHC-I', density: 0, pctPositiveArea: 0, cells: 9, fibres: 5 });
  }, 60_000);

  it('GET /compare: the known answers of every kind', async () => {
    const one = async (q: string) => {
      const res = await get(`/compare?${q}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const [paired] = await one('kind=paired&marker=CD163&score=density&from=baseline&to=month-6');
    expect([paired.test, paired.n, paired.statistic]).toEqual(['wilcoxon-signed-rank', 6, 7]);
    expect(paired.p).toBeCloseTo(0.5625, 12);
    // ?model= keeps the analyses of one nucleus detector (issue 15): the seeded ones are all 'classical'
    const [sameModel] = await one('kind=paired&marker=CD163&score=density&from=baseline&to=month-6&model=classical');
    expect([sameModel.n, sameModel.statistic, sameModel.p]).toEqual([paired.n, paired.statistic, paired.p]);
    const [otherModel] = await one('kind=paired&marker=CD163&score=density&from=baseline&to=month-6&model=nuclei-unet@aaaaaaaaaaaa');
    expect(otherModel.n).toBe(0);
    expect(paired.groups.map((g: { median: number; q1: number; q3: number }) => [g.median, g.q1, g.q3])).toEqual([[105, 92.5, 117.5], [101.5, 66.5, 134.25]]);
    const [groups] = await one('kind=groups&marker=cd163&score=density&timepoint=baseline');
    expect([groups.statistic, groups.effectSize]).toEqual([0, -1]);
    expect(groups.p).toBeCloseTo(0.1, 12);
    const [rho] = await one('kind=correlation&marker=IL-1a&score=pctPositiveArea&outcome=fi2&at=month-6&changeFrom=baseline');
    expect(rho.effectSize).toBeCloseTo(33 / 35, 12);
    expect(rho.p).toBeCloseTo(12 / 720, 12);
    const [fisher] = await one('kind=fisher&marker=IL-1Ra&timepoint=month-6');
    expect(fisher.score).toBe('expressed');
    expect(fisher.p).toBeCloseTo(0.1, 12);
    const table = await one('kind=table&of=groups&timepoint=baseline&markers=CD163,IL-1a&scores=density,pctPositiveArea');
    expect(table.map((r: { marker: string; score: string }) => `${r.marker} ${r.score}`)).toEqual(['CD163 density', 'CD163 pctPositiveArea', 'IL-1a density', 'IL-1a pctPositiveArea']);
    // CD163 density (80–100 vs 110–150) and IL-1a area (1–3 vs 4–6) both separate the groups
    // completely: p = 0.1 each; BH over two equal p leaves q = p. The other two are constant
    // (CD163 area 2, IL-1a density 5 for everybody) and have no p.
    const withP = table.filter((r: { p: number | null }) => r.p !== null);
    expect(withP.map((r: { marker: string; score: string; p: number; q: number }) => [r.marker, r.score, Number(r.p.toFixed(12)), Number(r.q.toFixed(12))])).toEqual([
      ['CD163', 'density', 0.1, 0.1],
      ['IL-1a', 'pctPositiveArea', 0.1, 0.1],
    ]);
  });

  it('GET /compare refuses bad queries naming the field', async () => {
    const msg = async (q: string) => {
      const res = await get(`/compare?${q}`);
      expect(res.statusCode).toBe(400);
      return res.json().message as string;
    };
    expect(await msg('marker=CD163&score=density')).toMatch(/^querystring\.kind: /);
    expect(await msg('kind=groups&marker=CD999&score=density')).toBe("querystring.marker: unknown marker 'CD999'");
    expect(await msg('kind=paired&marker=CD163&score=dens')).toMatch(/^querystring\.score: unknown score; expected one of density, /);
    expect(await msg('kind=correlation&marker=CD163&score=density&outcome=grip&at=month-6')).toMatch(/^querystring\.outcome: Invalid option/);
    expect(await msg('kind=paired&marker=CD163&score=density&at=month-6')).toBe('querystring: Unrecognized key: "at"');
    expect(await msg('kind=table&of=correlation')).toBe('querystring.outcome: required for a correlation table; querystring.at: required for a correlation table');
  });

  it('GET /export: JSON and CSV score rows with responder status', async () => {
    const json = await get('/export');
    expect(json.statusCode).toBe(200);
    const rows = json.json() as { patient: string; timepoint: string; marker: string; scores: Record<string, number>; responder: boolean | null }[];
    expect(rows).toHaveLength(25);
    expect(rows.find((r) => r.patient === 'P05' && r.marker === 'IL-1a')).toMatchObject({ timepoint: 'baseline', responder: false, scores: { pctPositiveArea: 5 } });
    const csv = await get('/export?format=csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const parsed = parse(csv.body, { columns: true }) as Record<string, string>[];
    expect(parsed.filter((r) => r.marker === 'CD163' && r.timepoint === 'baseline').map((r) => [r.patient, r.density_per_mm2, r.responder])).toEqual([
      ['P01', '100', 'true'], ['P02', '90', 'true'], ['P03', '80', 'true'], ['P04', '150', 'false'], ['P05', '110', 'false'], ['P06', '120', 'false'],
    ]);
    expect((await get('/export?format=xml')).json().message).toMatch(/^querystring\.format: /);
  });

  it('GET /analyses/:id/geojson: valid GeoJSON, one feature per detection and one per fibre, in level-0 px', async () => {
    const res = await get(`/analyses/${geo.analysisId}/geojson`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(getIssues(res.body)).toEqual([]);
    const doc = JSON.parse(res.body) as { type: string; features: { properties: { objectType: string }; geometry: { coordinates: number[][][] } }[] };
    expect(doc.type).toBe('FeatureCollection');
    expect(doc.features.filter((f) => f.properties.objectType === 'cell')).toHaveLength(9);
    expect(doc.features.filter((f) => f.properties.objectType === 'detection')).toHaveLength(5);
    // slide rows are 0.2525 µm/px (test/store/fixtures.ts): the first cell's centre is x = 0.1 µm → 0.396 px,
    // so its outline straddles that x
    const xs = doc.features[0].geometry.coordinates[0].map(([x]) => x);
    expect((Math.min(...xs) + Math.max(...xs)) / 2).toBeCloseTo(0.1 / 0.2525, 1);
    expect((await get('/analyses/99999/geojson')).statusCode).toBe(404);
    expect((await get('/analyses/abc/geojson')).json().message).toMatch(/^params\.id: /);
  });

  it('GET /plots/*.svg: slope per patient, box by response, scatter with ρ; 404 when nothing to draw', async () => {
    const slope = await get('/plots/slope.svg?marker=CD163&score=density');
    expect(slope.statusCode).toBe(200);
    expect(slope.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(slope.body.match(/class="patient"/g)).toHaveLength(6);
    const box = await get('/plots/box.svg?marker=CD163&score=density&timepoint=baseline');
    expect(box.statusCode).toBe(200);
    expect(box.body).toContain('Non-responders');
    const scatter = await get('/plots/scatter.svg?marker=IL-1a&score=pctPositiveArea&outcome=fi2&at=month-6');
    expect(scatter.statusCode).toBe(200);
    expect(scatter.body).toMatch(/ρ = 0\.94/);
    const none = await get('/plots/slope.svg?marker=MHC-I&score=density');
    expect(none.statusCode).toBe(404);
    expect(none.json().message).toBe('no patient has MHC-I density at both baseline and month-6');
    expect((await get('/plots/box.svg?marker=CD163&score=density&timepoint=week-2')).json().message).toMatch(/^querystring\.timepoint: /);
  });
});
