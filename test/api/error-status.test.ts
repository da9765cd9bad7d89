import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { StoreError, StoreInputError, StoreNotFoundError } from '../../src/errors/index.js';
import { bearer, openApi, type Api } from './setup.js';

let api: Api;
beforeAll(async () => {
  api = await openApi();
});
afterAll(async () => api.close());
afterEach(() => vi.restoreAllMocks());

const get = (url: string) => api.app.inject({ method: 'GET', url, headers: bearer(api.token.reader) });

describe('HTTP status of a store failure (src/errors/http-status.ts)', () => {
  it('a broken database is the server\'s failure: 500 with no database detail, not a 400', async () => {
    vi.spyOn(api.store, 'listScores').mockRejectedValue(new StoreError('cannot open the PGlite database in /data/db: disk I/O error'));
    const res = await get('/scores?patient=P01');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error; see the server log' });

    vi.spyOn(api.store, 'getCohort').mockRejectedValue(new StoreError('migration 003_cohort.sql failed: relation "patients" does not exist'));
    expect((await get('/cohort')).statusCode).toBe(500);
  });

  it('an untyped driver error is a 500 too', async () => {
    vi.spyOn(api.store, 'listScores').mockRejectedValue(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    const res = await get('/slides/1/scores');
    expect(res.statusCode).toBe(500);
    expect(res.json().message).toBe('internal error; see the server log');
  });

  it("the store's refusals stay the client's: bad input 400, unknown id 404, with the store's message", async () => {
    vi.spyOn(api.store, 'importCohort').mockRejectedValue(new StoreInputError('importCohort: nothing imported, 1 problem: duplicate patient P01'));
    const imported = await api.app.inject({
      method: 'POST',
      url: '/cohort/import',
      headers: bearer(api.token.submitter),
      payload: { patients: { name: 'patients.csv', text: 'pseudonym,diagnosis\nP01,DM\n' } },
    });
    expect(imported.statusCode).toBe(400);
    expect(imported.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'importCohort: nothing imported, 1 problem: duplicate patient P01' });

    vi.spyOn(api.store, 'listScores').mockRejectedValue(new StoreNotFoundError('slide 7 does not exist'));
    const missing = await get('/slides/7/scores');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'slide 7 does not exist' });
  });
});
