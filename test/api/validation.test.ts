import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAnalysis } from './seed-cohort.js';
import { bearer, openApi, type Api } from './setup.js';

let api: Api;
const PATIENTS = ['P01', 'P02', 'P03', 'P04', 'P05'];
const TOOL = [30, 55, 80, 120, 160];
const READS = [
  'patient,timepoint,marker,rater,date,score,value,unit',
  // dr.a gives per HPF (0.95 mm²): 33 per HPF is 34.7 per mm²
  ...PATIENTS.map((p, i) => `${p},baseline,CD163,dr.a,2025-05-01,density,${Math.round(TOOL[i] * 1.1 * 0.9503)},per HPF`),
  ...PATIENTS.map((p, i) => `${p},baseline,CD163,dr.b,2025-05-02,density,${TOOL[i] - 5 + i},`),
].join('\n');

beforeAll(async () => {
  api = await openApi();
  for (const [i, patient] of PATIENTS.entries()) {
    await seedAnalysis(api.store, { name: `${patient}-cd163`, patient, timepoint: 'baseline', marker: 'CD163', density: TOOL[i], pctPositiveArea: 1 });
  }
});
afterAll(() => api?.close());

const post = (files: { name: string; text: string }[], token = api.token.pathologist) => api.app.inject({ method: 'POST', url: '/manual-scores', headers: bearer(token), payload: { files } });
const get = (url: string, token = api.token.reader) => api.app.inject({ method: 'GET', url, headers: bearer(token) });

describe('manual reads and GET /validation', () => {
  it('refuses a bad file with every row/field problem (nothing stored), and not from a reader', async () => {
    const bad = await post([{ name: 'reads.csv', text: READS }, { name: 'bad.json', text: JSON.stringify([{ patient: 'P01', timepoint: 'baseline', marker: 'CD163', rater: 'dr.c', date: '2025-13-01', score: 'density', value: 3 }]) }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues).toEqual([{ file: 'bad.json', row: 1, field: 'date', message: 'expected a date YYYY-MM-DD, got "2025-13-01"' }]);
    expect(bad.json().message).toMatch(/^manual reads not imported, 1 problem: bad\.json item 1, field date/);
    expect(await api.store.listManualScores()).toEqual([]);
    expect((await post([{ name: 'reads.csv', text: READS }], api.token.reader)).statusCode).toBe(403);
  });

  it('imports for a pathologist and lists the reads for a reader', async () => {
    const res = await post([{ name: 'reads.csv', text: READS }]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ stored: 10, replaced: 0, raters: ['dr.a', 'dr.b'] });
    const listed = await get('/manual-scores?score=density&raters=dr.b');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().map((r: { patient: string; value: number }) => [r.patient, r.value])).toEqual(PATIENTS.map((p, i) => [p, TOOL[i] - 5 + i]));
  });

  it('compares the tool with both raters for a reader; not for a pathologist, nor without a token', async () => {
    const res = await get('/validation?score=density&marker=cd-163');
    expect(res.statusCode).toBe(200);
    const r = res.json().results[0];
    expect([r.marker, r.raters, r.slides]).toEqual(['CD163', ['dr.a', 'dr.b'], 5]);
    expect(r.pairs.map((p: { a: string; b: string; n: number }) => `${p.a}/${p.b}/${p.n}`)).toEqual(['tool/dr.a/5', 'tool/dr.b/5', 'dr.a/dr.b/5']);
    // tool − dr.b differences are 5 − i: mean 3, SD √2.5
    const ba = r.pairs[1].blandAltman;
    expect(ba.bias).toBeCloseTo(3, 12);
    expect(ba.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect((await get('/validation?score=density', api.token.pathologist)).statusCode).toBe(403);
    expect((await api.app.inject({ method: 'GET', url: '/validation?score=density' })).statusCode).toBe(401);
  });

  it('answers the report as HTML with its figures, and names a bad query field', async () => {
    const html = await get('/validation?score=density&raters=dr.a,dr.b&format=html');
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body.match(/<svg /g)).toHaveLength(6);
    const bad = await get('/validation?score=density&slides=Anna%20Berg:baseline');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^querystring\.slides\.0: /);
    expect((await get('/validation?score=nothing')).json().message).toMatch(/unknown score 'nothing'/);
  });
});
