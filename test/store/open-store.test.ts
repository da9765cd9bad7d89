import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import { StoreError } from '../../src/errors/index.js';
import { slideInput } from './fixtures.js';
import { TEST_DATABASE_URL } from './pg-url.js';

describe('openStore / openPgliteStore', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bq-store-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a file-backed PGlite under DATA_DIR/pglite across reopening', async () => {
    const first = await openStore({ DATA_DIR: dir });
    expect(first.kind).toBe('pglite');
    const id = await first.upsertSlide(slideInput('persisted'));
    await first.close();
    expect(await readdir(dir)).toEqual(['pglite']);

    const again = await openPgliteStore({ dataDir: dir });
    expect(await again.upsertSlide(slideInput('persisted'))).toBe(id);
    expect((await again.counts()).slides).toBe(1);
    await again.close();
  });

  it('rejects a DATABASE_URL that is not postgres', async () => {
    await expect(openStore({ DATABASE_URL: 'mysql://x@y/z' })).rejects.toThrow(StoreError);
    await expect(openStore({ DATABASE_URL: 'mysql://x@y/z' })).rejects.toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
  });

  it('picks PostgreSQL when DATABASE_URL is set (a fresh database, dropped after)', async () => {
    const name = `bq_open_store_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(TEST_DATABASE_URL);
      url.pathname = `/${name}`;
      const s = await openStore({ DATABASE_URL: url.toString(), DATA_DIR: dir });
      expect(s.kind).toBe('postgres');
      expect(await s.upsertSlide(slideInput('pg-open'))).toBe(1);
      await s.close();
    } finally {
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    }
  });
});
