import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteStore } from '../../src/store/pglite.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { hashToken, TokenStore } from '../../src/store/token-store.js';

let store: SqlStore;
let tokens: TokenStore;
beforeAll(async () => {
  store = await openPgliteStore({ inMemory: true });
  tokens = new TokenStore(store.executor);
});
afterAll(() => store.close());

describe('TokenStore', () => {
  it('creates bq_ tokens of 32 random bytes and stores only their sha256', async () => {
    const a = await tokens.createToken('reader', 'alice');
    const b = await tokens.createToken('reader', 'alice');
    expect(a.token).toMatch(/^bq_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.token.slice(3), 'base64url')).toHaveLength(32);
    expect(a.token).not.toBe(b.token);
    const { rows } = await store.executor.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens WHERE id = $1', [a.id]);
    expect(rows[0].token_hash).toBe(hashToken(a.token));
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    const dump = JSON.stringify((await store.executor.query('SELECT * FROM api_tokens')).rows);
    expect(dump).not.toContain(a.token.slice(3));
  });

  it('verifies a token to its id and role; unknown, malformed and revoked ones are undefined', async () => {
    const s = await tokens.createToken('submitter', 'dr who');
    expect(await tokens.verify(s.token)).toEqual({ id: s.id, role: 'submitter' });
    expect(await tokens.verify(`${s.token.slice(0, -1)}${s.token.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(await tokens.verify('')).toBeUndefined();
    expect(await tokens.verify(hashToken(s.token))).toBeUndefined();
    expect(await tokens.revoke(s.id)).toBe(true);
    expect(await tokens.verify(s.token)).toBeUndefined();
    expect(await tokens.revoke(s.id)).toBe(false);
  });

  it('lists tokens without secrets, with revocation times', async () => {
    const r = await tokens.createToken('admin', 'ops');
    await tokens.revoke(r.id);
    const list = await tokens.list();
    const mine = list.find((t) => t.id === r.id)!;
    expect(mine).toMatchObject({ name: 'ops', role: 'admin' });
    expect(mine.revokedAt).toBeInstanceOf(Date);
    expect(Object.keys(mine).sort()).toEqual(['createdAt', 'id', 'name', 'revokedAt', 'role']);
  });

  it('refuses an unknown role and an empty name', async () => {
    await expect(tokens.createToken('root' as 'admin', 'x')).rejects.toThrow('createToken: role must be one of submitter, reader, pathologist, admin (got "root")');
    await expect(tokens.createToken('reader', '  ')).rejects.toThrow('createToken: name must be 1-100 characters');
  });
});
