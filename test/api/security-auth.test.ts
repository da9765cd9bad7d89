import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailedAuthLimiter } from '../../src/api/failed-auth-limiter.js';
import { bearer, openApi, type Api } from './setup.js';

const LIMIT = 5;
const WINDOW_MS = 1_000;
let api: Api;
beforeAll(async () => {
  api = await openApi({ security: { AUTH_FAIL_LIMIT: LIMIT, AUTH_FAIL_WINDOW_MS: WINDOW_MS } });
});
afterAll(() => api.close());

const BAD = `bq_${'A'.repeat(43)}`;
const get = (headers: Record<string, string>, remoteAddress: string) => api.app.inject({ method: 'GET', url: '/scores', headers, remoteAddress });

describe('failed-auth lockout (issue 14)', () => {
  it(`answers 429 with Retry-After once a client has sent ${LIMIT} wrong tokens, good ones included, until the window ends; other clients go on`, async () => {
    const ip = '10.0.0.1';
    const statuses = [];
    for (let i = 0; i < LIMIT + 3; i++) statuses.push((await get(bearer(BAD), ip)).statusCode);
    expect(statuses).toEqual([...Array(LIMIT).fill(401), 429, 429, 429]);

    const locked = await get(bearer(api.token.reader), ip);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('1');
    expect(locked.json().message).toBe(`too many wrong API tokens from this client (limit ${LIMIT} per 1 s, AUTH_FAIL_LIMIT); retry in 1 s`);
    // no token at all is not a guess: the public routes still answer
    expect((await api.app.inject({ method: 'GET', url: '/health', remoteAddress: ip })).statusCode).toBe(200);
    // another client is not affected
    expect((await get(bearer(api.token.reader), '10.0.0.2')).statusCode).toBe(200);

    await new Promise((r) => setTimeout(r, WINDOW_MS + 50));
    expect((await get(bearer(api.token.reader), ip)).statusCode).toBe(200);
  });

  it('counts only wrong tokens: requests without one and good tokens never lock a client out', async () => {
    const ip = '10.0.0.3';
    for (let i = 0; i < LIMIT * 2; i++) {
      expect((await get({}, ip)).statusCode).toBe(401);
      expect((await get(bearer(api.token.reader), ip)).statusCode).toBe(200);
    }
    // a malformed header counts like a wrong token
    const statuses = [];
    for (let i = 0; i <= LIMIT; i++) statuses.push((await get({ authorization: 'Basic dXNlcjpwYXNz' }, ip)).statusCode);
    expect(statuses).toEqual([...Array(LIMIT).fill(401), 429]);
  });
});

describe('FailedAuthLimiter', () => {
  it('opens a window at the first failure and forgets it when the window ends', () => {
    let now = 1_000_000;
    const l = new FailedAuthLimiter(3, 60_000, () => now);
    l.fail('a');
    l.fail('a');
    expect(l.retryAfterS('a')).toBe(0);
    now += 10_000;
    l.fail('a');
    expect(l.retryAfterS('a')).toBe(50);
    expect(l.retryAfterS('b')).toBe(0);
    now += 50_000;
    expect(l.retryAfterS('a')).toBe(0);
    l.fail('a');
    expect(l.retryAfterS('a')).toBe(0);
  });
});

describe('audit of token uses on write routes (issue 14)', () => {
  it('records who, route, method, status and time for allowed, forbidden and unknown tokens; reads are not logged; admins read it at GET /audit', async () => {
    const ip = '10.0.1.1';
    const started = Date.now();
    const ok = await api.app.inject({ method: 'POST', url: '/batches', headers: bearer(api.token.submitter), payload: { slides: [{ file: 'a.png' }] }, remoteAddress: ip });
    expect(ok.statusCode).toBe(201);
    const forbidden = await api.app.inject({ method: 'POST', url: '/batches', headers: bearer(api.token.reader), payload: { slides: [{ file: 'a.png' }] }, remoteAddress: ip });
    expect(forbidden.statusCode).toBe(403);
    const unknown = await api.app.inject({ method: 'DELETE', url: '/tokens/1', headers: bearer(BAD), remoteAddress: ip });
    expect(unknown.statusCode).toBe(401);
    const bad = await api.app.inject({ method: 'POST', url: '/batches', headers: bearer(api.token.submitter), payload: { slides: [] }, remoteAddress: ip });
    expect(bad.statusCode).toBe(400);
    expect((await api.app.inject({ method: 'GET', url: '/batches', headers: bearer(api.token.submitter), remoteAddress: ip })).statusCode).toBe(200);

    const res = await api.app.inject({ method: 'GET', url: '/audit?limit=4', headers: bearer(api.token.admin) });
    expect(res.statusCode).toBe(200);
    const rows = res.json<{ id: number; at: string; tokenId: number | null; tokenName: string | null; method: string; route: string; path: string; status: number; ip: string }[]>();
    // newest first; the GET is not there
    expect(rows.map(({ id: _id, at: _at, ...r }) => r)).toEqual([
      { tokenId: api.tokenId.submitter, tokenName: 'test submitter', method: 'POST', route: '/batches', path: '/batches', status: 400, ip },
      { tokenId: null, tokenName: null, method: 'DELETE', route: '/tokens/:id', path: '/tokens/1', status: 401, ip },
      { tokenId: api.tokenId.reader, tokenName: 'test reader', method: 'POST', route: '/batches', path: '/batches', status: 403, ip },
      { tokenId: api.tokenId.submitter, tokenName: 'test submitter', method: 'POST', route: '/batches', path: '/batches', status: 201, ip },
    ]);
    for (const r of rows) expect(Date.parse(r.at)).toBeGreaterThanOrEqual(started - 1_000);

    const one = (await api.app.inject({ method: 'GET', url: `/audit?tokenId=${api.tokenId.reader}`, headers: bearer(api.token.admin) })).json<{ status: number }[]>();
    expect(one.map((r) => r.status)).toEqual([403]);
    expect((await api.app.inject({ method: 'GET', url: '/audit', headers: bearer(api.token.reader) })).statusCode).toBe(403);
  });
});
