import { PGlite } from '@electric-sql/pglite';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClosableExecutor } from '../../src/store/executor.js';
import { loadMigrations, migrate, type Migration } from '../../src/store/migrate.js';
import { pgliteExecutor } from '../../src/store/pglite.js';
import { StoreError } from '../../src/errors/index.js';

const m = (version: number, name: string, sql: string): Migration => ({ version, name, sql, checksum: `sum-${sql}` });

async function tables(db: ClosableExecutor): Promise<string[]> {
  const { rows } = await db.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
  );
  return rows.map((r) => r.t);
}

describe('migrate', () => {
  // one PGlite (starting one is slow) and a fresh, empty schema for each test
  let db: ClosableExecutor;
  let n = 0;
  beforeAll(async () => {
    db = pgliteExecutor(await PGlite.create());
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    n += 1;
    await db.exec(`CREATE SCHEMA migrate_test_${n}; SET search_path TO migrate_test_${n}`);
  });

  it('applies the shipped migrations once and creates every table', async () => {
    const first = await migrate(db);
    const shipped = await loadMigrations();
    expect(first.applied).toEqual(shipped.map((x) => x.version));
    expect(await tables(db)).toEqual(['analyses', 'api_audit', 'api_tokens', 'batch_slides', 'batches', 'biopsies', 'biopsy_slides', 'detections', 'manual_scores', 'patients', 'review_audit', 'review_corrections', 'review_regions', 'review_signoffs', 'schema_migrations', 'slide_failures', 'slide_scores', 'slides', 'tile_results', 'visits']);
    expect(await migrate(db)).toEqual({ applied: [], version: first.version });
  });

  it('applies only the new migration when one is added', async () => {
    await migrate(db, [m(1, '001_a.sql', 'CREATE TABLE a (x int)')]);
    const r = await migrate(db, [m(1, '001_a.sql', 'CREATE TABLE a (x int)'), m(2, '002_b.sql', 'CREATE TABLE b (y int)')]);
    expect(r).toEqual({ applied: [2], version: 2 });
    expect(await tables(db)).toEqual(['a', 'b', 'schema_migrations']);
  });

  it('rolls everything back when a migration fails, and says which one', async () => {
    const run = migrate(db, [m(1, '001_ok.sql', 'CREATE TABLE ok (x int)'), m(2, '002_bad.sql', 'CREATE TABLE bad (x nosuchtype)')]);
    await expect(run).rejects.toThrow(/migration 002_bad\.sql failed: .*nosuchtype/);
    await expect(run).rejects.toBeInstanceOf(StoreError);
    expect(await tables(db)).toEqual([]);
  });

  it('refuses a migration whose file changed after it was applied', async () => {
    await migrate(db, [m(1, '001_a.sql', 'CREATE TABLE a (x int)')]);
    await expect(migrate(db, [m(1, '001_a.sql', 'CREATE TABLE a (x bigint)')])).rejects.toThrow(/001_a\.sql was changed after it was applied/);
  });

  it('refuses badly named or duplicate migration files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bq-migrations-'));
    try {
      await writeFile(join(dir, '001_a.sql'), 'SELECT 1');
      await writeFile(join(dir, 'latest.sql'), 'SELECT 1');
      await expect(loadMigrations(`${dir}/`)).rejects.toThrow(/latest\.sql is not named NNN_description\.sql/);
      await rm(join(dir, 'latest.sql'));
      await writeFile(join(dir, '001_b.sql'), 'SELECT 1');
      await expect(loadMigrations(`${dir}/`)).rejects.toThrow(/001_a\.sql and 001_b\.sql share version 1/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
