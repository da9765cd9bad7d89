import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, openApi, type Api } from './setup.js';

let api: Api;

beforeAll(async () => {
  api = await openApi({
    probes: { store: async () => undefined, redis: async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:6379'); } },
  });
});
afterAll(() => api.close());

const EXPECTED = [
  'post /batches', 'get /batches', 'get /batches/{id}', 'post /batches/upload', 'get /batches/{id}/events',
  'get /scores', 'get /slides/{id}/scores', 'get /score-fields', 'post /tokens', 'get /tokens', 'delete /tokens/{id}', 'get /health', 'get /openapi.json',
  'get /viewer', 'get /slides', 'get /slides/{id}/dzi', 'get /slides/{id}/tiles/{level}/{tile}', 'get /analyses/{id}/overlay',
  'post /cohort/import', 'get /cohort', 'get /compare', 'get /export', 'get /analyses/{id}/geojson', 'get /plots/slope.svg', 'get /plots/box.svg', 'get /plots/scatter.svg',
  'get /analyses/{id}/regions', 'put /analyses/{id}/regions', 'get /analyses/{id}/regions/versions',
  'get /analyses/{id}/regions/geojson', 'put /analyses/{id}/regions/geojson', 'get /review/queue', 'get /tokens/me',
  'get /analyses/{id}/corrections', 'post /analyses/{id}/corrections', 'get /analyses/{id}/review', 'post /analyses/{id}/review',
  'get /analyses/{id}/review/signed/{version}', 'get /analyses/{id}/audit', 'get /audit',
  // issue 16: the submission page, resumable (tus) uploads, metadata checks, slides under SLIDES_ROOT
  'get /submit', 'post /uploads/tus', 'patch /uploads/tus/{id}', 'delete /uploads/tus/{id}', 'get /uploads/settings', 'post /uploads/lookup',
  'post /uploads/{id}/verify', 'post /batches/uploaded', 'get /metadata/names', 'post /metadata/check', 'post /metadata/table', 'get /slides-root', 'post /slides/probe',
  'post /manual-scores', 'get /manual-scores', 'get /validation',
];

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3 JSON document listing every route with its security and schemas', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = JSON.parse(res.body);
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('biopsy-quant');
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(listed.sort()).toEqual([...EXPECTED].sort());
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });

    const submit = doc.paths['/batches'].post;
    expect(submit.security).toEqual([{ bearer: [] }]);
    const body = submit.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['slides']);
    expect(body.properties.slides.items.required).toEqual(['file']);
    expect(Object.keys(body.properties.slides.items.properties).sort()).toEqual(['file', 'marker', 'mpp', 'patient', 'timepoint']);
    expect(Object.keys(submit.responses).sort()).toEqual(['201', '400', '401', '403']);
    const q = doc.paths['/scores'].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort();
    expect(q).toEqual(['query:biopsy', 'query:format', 'query:marker', 'query:patient', 'query:signedOff', 'query:slide', 'query:timepoint']);
    const correct = doc.paths['/analyses/{id}/corrections'].post;
    expect(correct.requestBody.content['application/json'].schema.oneOf ?? correct.requestBody.content['application/json'].schema.anyOf).toHaveLength(5);
    expect(Object.keys(correct.responses).sort()).toEqual(['201', '400', '401', '403', '404', '409', '422']);
    expect(doc.paths['/analyses/{id}/review'].post.requestBody.content['application/json'].schema.properties.action.enum).toEqual(['start', 'sign_off', 'reopen']);
    expect(doc.paths['/health'].get.security).toBeUndefined();
    expect(doc.paths['/batches/upload'].post.responses['413']).toBeDefined();
  });

  it('agrees with the routes the server actually has', async () => {
    for (const r of EXPECTED) {
      const [method, url] = r.split(' ');
      expect(api.app.hasRoute({ method: method.toUpperCase() as 'GET', url: url.replace(/\{(\w+)\}/g, ':$1') }), r).toBe(true);
    }
  });
});

describe('zod validation errors are 400 with the field named', () => {
  const post = (payload: unknown) => api.app.inject({ method: 'POST', url: '/batches', headers: bearer(api.token.submitter), payload: payload as object });
  it.each([
    [{}, 'body.slides: Invalid input: expected array, received undefined'],
    [{ slides: [] }, 'body.slides: Too small: expected array to have >=1 items'],
    [{ slides: [{ patient: 'P1' }] }, 'body.slides.0.file: Invalid input: expected string, received undefined'],
    [{ slides: [{ file: 'a.png', mpp: 'half' }] }, 'body.slides.0.mpp: Invalid input: expected number, received string'],
    [{ slides: [{ file: 'a.png', truth: 'x.json' }] }, 'body.slides.0: Unrecognized key: "truth"'],
    [{ slides: [{ file: 'a.png' }], params: { tileSize: 5 } }, 'body.params.tileSize: Too small: expected number to be >=128'],
  ])('%j', async (payload, message) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ statusCode: 400, error: 'Bad Request', message });
  });

  it('a body that is not JSON is a 400 too', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/batches', headers: { ...bearer(api.token.submitter), 'content-type': 'application/json' }, payload: '{"slides": [' });
    expect(res.statusCode).toBe(400);
  });

  it('POST /tokens names a bad role', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/tokens', headers: bearer(api.token.admin), payload: { role: 'root', name: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('body.role: Invalid option: expected one of "submitter"|"reader"|"pathologist"|"admin"');
  });
});

describe('GET /health', () => {
  it('is 503 "degraded" naming the check that failed', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'degraded', checks: { store: 'ok', redis: 'connect ECONNREFUSED 127.0.0.1:6379' } });
  });
});
