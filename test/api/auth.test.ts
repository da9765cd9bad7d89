import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/store/token-store.js';
import { seedScores } from './seed-scores.js';
import { bearer, multipart, openApi, type Api } from './setup.js';

interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  /** roles allowed besides admin */
  roles: Role[];
  ok: number;
  write: boolean;
  request?: () => Promise<{ payload?: unknown; headers?: Record<string, string> }>;
}

let api: Api;
let slideId = 0;
let batchId = 0;
const ALL_ROLES: Role[] = ['submitter', 'reader', 'pathologist', 'admin'];
let analysisId = 0;

/** Every route with a token, and what a request that should succeed looks like. */
const routes = (): RouteCase[] => [
  { method: 'POST', url: '/batches', roles: ['submitter'], ok: 201, write: true, request: async () => ({ payload: { slides: [{ file: 'a.png' }] } }) },
  {
    method: 'POST', url: '/batches/upload', roles: ['submitter'], ok: 201, write: true,
    request: () => multipart([{ name: 'file', value: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('fake slide bytes')]), filename: 'up.png' }]),
  },
  { method: 'GET', url: '/batches', roles: ['submitter', 'reader'], ok: 200, write: false },
  { method: 'GET', url: `/batches/${batchId}`, roles: ['submitter', 'reader'], ok: 200, write: false },
  { method: 'GET', url: `/batches/${batchId}/events`, roles: ['submitter', 'reader'], ok: 200, write: false },
  { method: 'GET', url: '/scores', roles: ['reader'], ok: 200, write: false },
  { method: 'GET', url: '/scores?format=csv', roles: ['reader'], ok: 200, write: false },
  { method: 'GET', url: `/slides/${slideId}/scores`, roles: ['reader'], ok: 200, write: false },
  { method: 'GET', url: `/analyses/${analysisId}/regions`, roles: ['reader', 'pathologist'], ok: 200, write: false },
  { method: 'GET', url: `/analyses/${analysisId}/regions/versions`, roles: ['reader', 'pathologist'], ok: 200, write: false },
  { method: 'PUT', url: `/analyses/${analysisId}/regions`, roles: ['pathologist'], ok: 200, write: true, request: async () => ({ payload: { regions: [] } }) },
  { method: 'GET', url: `/analyses/${analysisId}/regions/geojson`, roles: ['reader', 'pathologist'], ok: 200, write: false },
  { method: 'PUT', url: `/analyses/${analysisId}/regions/geojson`, roles: ['pathologist'], ok: 200, write: true, request: async () => ({ payload: { type: 'FeatureCollection', features: [] } }) },
  { method: 'POST', url: '/tokens', roles: [], ok: 201, write: true, request: async () => ({ payload: { role: 'reader', name: 'made in a test' } }) },
  { method: 'GET', url: '/tokens', roles: [], ok: 200, write: false },
];

async function send(r: RouteCase, headers: Record<string, string>) {
  const body = r.request ? await r.request() : {};
  return api.app.inject({ method: r.method, url: r.url, payload: body.payload as string, headers: { ...body.headers, ...headers } });
}

beforeAll(async () => {
  api = await openApi();
  ({ slideId, analysisId } = (await seedScores(api.store, [{ name: 'auth-1', patient: 'P1', timepoint: 'baseline', marker: 'CD163', cells: 5 }]))[0]);
  const res = await api.app.inject({ method: 'POST', url: '/batches', headers: bearer(api.token.submitter), payload: { slides: [{ file: 'a.png' }] } });
  batchId = res.json<{ batchId: number }>().batchId;
});
afterAll(() => api.close());

describe('every route refuses missing and invalid tokens (401) and wrong roles (403)', () => {
  it.each(routes().map((r) => [`${r.method} ${r.url.replace(/\d+/g, ':id')}`, r] as const))('%s', async (_name, template) => {
    const r = routes().find((x) => x.method === template.method && x.url.replace(/\d+/g, ':id') === template.url.replace(/\d+/g, ':id'))!;
    const before = api.batches.submitted.length;
    const tokensBefore = (await api.tokens.list()).length;

    const none = await send(r, {});
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.json().message).toMatch(/missing API token/);

    // well-formed but unknown, malformed, and the wrong scheme
    for (const h of [`Bearer bq_${'A'.repeat(43)}`, 'Bearer not-a-token', `Basic ${api.token.admin}`]) {
      const bad = await send(r, { authorization: h });
      expect(bad.statusCode, h).toBe(401);
    }

    for (const role of ALL_ROLES.filter((x) => x !== 'admin' && !r.roles.includes(x))) {
      const wrong = await send(r, bearer(api.token[role]));
      expect(wrong.statusCode, role).toBe(403);
      expect(wrong.json().message).toContain(`a ${role} token may not ${r.method}`);
    }
    // refused requests changed nothing
    expect(api.batches.submitted.length).toBe(before);
    expect((await api.tokens.list()).length).toBe(tokensBefore);

    for (const role of [...r.roles, 'admin'] as Role[]) {
      const right = await send(r, bearer(api.token[role]));
      expect(right.statusCode, `${role}: ${right.body.slice(0, 200)}`).toBe(r.ok);
    }
    expect(api.batches.submitted.length - before).toBe(r.method === 'POST' && r.url.startsWith('/batches') ? r.roles.length + 1 : 0);
  });

  it('DELETE /tokens/:id: 401 without a token, 403 for submitter and reader, 204 for admin, then the token is dead', async () => {
    const victim = await api.tokens.createToken('reader', 'to revoke');
    const url = `/tokens/${victim.id}`;
    expect((await api.app.inject({ method: 'DELETE', url })).statusCode).toBe(401);
    expect((await api.app.inject({ method: 'DELETE', url, headers: bearer(`bq_${'B'.repeat(43)}`) })).statusCode).toBe(401);
    expect((await api.app.inject({ method: 'DELETE', url, headers: bearer(api.token.submitter) })).statusCode).toBe(403);
    expect((await api.app.inject({ method: 'DELETE', url, headers: bearer(api.token.reader) })).statusCode).toBe(403);
    expect((await api.app.inject({ method: 'GET', url: '/scores', headers: bearer(victim.token) })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'DELETE', url, headers: bearer(api.token.admin) })).statusCode).toBe(204);
    const after = await api.app.inject({ method: 'GET', url: '/scores', headers: bearer(victim.token) });
    expect(after.statusCode).toBe(401);
    expect(after.json().message).toMatch(/invalid or revoked/);
    expect((await api.app.inject({ method: 'DELETE', url, headers: bearer(api.token.admin) })).statusCode).toBe(404);
  });

  it('no token is needed for /health and /openapi.json', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
  });
});

describe('batch ownership', () => {
  it("a submitter lists and reads only its own batches; another submitter's answers 404; a reader sees all", async () => {
    const mine = await api.app.inject({ method: 'POST', url: '/batches', headers: bearer(api.token.submitter2), payload: { slides: [{ file: 'sub/b.tif' }] } });
    const id2 = mine.json<{ batchId: number }>().batchId;
    expect(api.batches.submitted.at(-1)?.createdBy).toBe(`token:${api.tokenId.submitter2}`);

    const list2 = (await api.app.inject({ method: 'GET', url: '/batches', headers: bearer(api.token.submitter2) })).json<{ id: number }[]>();
    expect(list2.map((b) => b.id)).toEqual([id2]);
    const list1 = (await api.app.inject({ method: 'GET', url: '/batches', headers: bearer(api.token.submitter) })).json<{ id: number; createdBy: string }[]>();
    expect(list1.length).toBeGreaterThan(0);
    expect(list1.every((b) => b.createdBy === `token:${api.tokenId.submitter}`)).toBe(true);
    const all = (await api.app.inject({ method: 'GET', url: '/batches', headers: bearer(api.token.reader) })).json<{ id: number }[]>();
    // admin submitted some too; a reader sees every one
    expect(all.length).toBe(api.batches.submitted.length);
    expect(all.length).toBeGreaterThan(list1.length + list2.length);

    for (const url of [`/batches/${id2}`, `/batches/${id2}/events`]) {
      const other = await api.app.inject({ method: 'GET', url, headers: bearer(api.token.submitter) });
      expect(other.statusCode, url).toBe(404);
      expect(other.json().message).toBe(`batch ${id2} not found`);
    }
    expect((await api.app.inject({ method: 'GET', url: `/batches/${id2}`, headers: bearer(api.token.reader) })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'GET', url: '/batches/99999', headers: bearer(api.token.reader) })).statusCode).toBe(404);
  });
});
