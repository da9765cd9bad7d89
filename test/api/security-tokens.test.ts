import * as crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SqlExecutor } from '../../src/store/executor.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { hashToken, tokenLookup, TokenStore } from '../../src/store/token-store.js';
import { bearer, openApi, type Api } from './setup.js';

// the same timingSafeEqual, watched: verify must compare digests through it
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});
const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);

/** Every SQL statement and its parameters, as the store sends them. */
function recording(db: SqlExecutor): { db: SqlExecutor; sent: { sql: string; params: unknown[] }[] } {
  const sent: { sql: string; params: unknown[] }[] = [];
  return {
    sent,
    db: {
      query: (sql, params = []) => {
        sent.push({ sql, params });
        return db.query(sql, params);
      },
      exec: (sql) => db.exec(sql),
      transaction: (fn) => db.transaction(fn),
    },
  };
}

/** The token with one character at `i` (after `bq_`) replaced. */
function changed(token: string, i: number): string {
  const at = 3 + i;
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
}

let api: Api;
let store: SqlStore;
beforeAll(async () => {
  api = await openApi();
  store = api.store;
});
afterAll(() => api.close());
beforeEach(() => {
  timingSafeEqual.mockClear();
});

describe('tokens are compared in constant time (issue 14)', () => {
  it('finds the row by the public lookup key and compares the sha256 with timingSafeEqual; the digest never reaches SQL', async () => {
    const { db, sent } = recording(store.executor);
    const tokens = new TokenStore(db);
    const t = await tokens.createToken('reader', 'ct');
    sent.length = 0;

    expect(await tokens.verify(t.token)).toEqual({ id: t.id, role: 'reader' });
    expect(timingSafeEqual).toHaveBeenCalled();
    const [a, b] = timingSafeEqual.mock.calls.at(-1)!;
    expect(Buffer.from(a as Uint8Array).toString('hex')).toBe(hashToken(t.token));
    expect(Buffer.from(b as Uint8Array).toString('hex')).toBe(hashToken(t.token));
    // the query carries the 8-character lookup key only: no digest and no secret
    expect(sent).toHaveLength(1);
    expect(sent[0].sql).not.toMatch(/token_hash\s*=/);
    expect(sent[0].params).toEqual([tokenLookup(t.token)]);
    expect(tokenLookup(t.token)).toBe(t.token.slice(3, 11));
  });

  it('a token wrong in its last character is refused after a constant-time comparison; wrong in its first, by the lookup: both are undefined, and 401 alike', async () => {
    const tokens = new TokenStore(store.executor);
    const t = await tokens.createToken('reader', 'near misses');
    const last = changed(t.token, 42);
    const first = changed(t.token, 0);

    timingSafeEqual.mockClear();
    expect(await tokens.verify(last)).toBeUndefined();
    // same lookup key: the row is a candidate, refused by the digest comparison
    expect(timingSafeEqual.mock.calls.some(([a]) => Buffer.from(a as Uint8Array).toString('hex') === hashToken(t.token))).toBe(true);

    timingSafeEqual.mockClear();
    expect(await tokens.verify(first)).toBeUndefined();
    // another lookup key: no candidate row, nothing of the secret compared at all
    expect(timingSafeEqual.mock.calls.some(([a]) => Buffer.from(a as Uint8Array).toString('hex') === hashToken(t.token))).toBe(false);
  });

  it('tokens made before migration 010 (no lookup key) still verify, and get their key on first use', async () => {
    const tokens = new TokenStore(store.executor);
    const legacy = `bq_${crypto.randomBytes(32).toString('base64url')}`;
    const { rows } = await store.executor.query<{ id: number }>(
      "INSERT INTO api_tokens (name, role, token_hash) VALUES ('legacy', 'submitter', $1) RETURNING id",
      [hashToken(legacy)],
    );
    expect(await tokens.verify(changed(legacy, 42))).toBeUndefined();
    expect(await tokens.verify(legacy)).toEqual({ id: rows[0].id, role: 'submitter' });
    const after = await store.executor.query<{ lookup: string | null }>('SELECT lookup FROM api_tokens WHERE id = $1', [rows[0].id]);
    expect(after.rows[0].lookup).toBe(tokenLookup(legacy));
    expect(await tokens.verify(legacy)).toEqual({ id: rows[0].id, role: 'submitter' });
  });
});

describe('through the API', () => {
  it('answers a near miss in the first or the last character with the same 401', async () => {
    const answers = [];
    for (const bad of [changed(api.token.reader, 0), changed(api.token.reader, 42)]) {
      const res = await api.app.inject({ method: 'GET', url: '/scores', headers: bearer(bad) });
      answers.push({ status: res.statusCode, body: res.json(), challenge: res.headers['www-authenticate'] });
    }
    expect(answers[0]).toEqual({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'invalid or revoked API token' }, challenge: 'Bearer error="invalid_token"' });
    expect(answers[1]).toEqual(answers[0]);
  });
});
