import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDataDirTemplate } from '../../src/store/pglite-template.js';
import { createFresh, pgliteExecutor } from '../../src/store/pglite.js';
import { migrate } from '../../src/store/migrate.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-pglite-template-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fresh PGlite databases from an initialised copy', () => {
  it('makes the copy once, reads it after, and a database loaded from it migrates and answers', async () => {
    const file = path.join(dir, 'initdb.tar');
    const made = await freshDataDirTemplate(file);
    expect(made).not.toBeNull();
    expect((await stat(file)).size).toBe(made!.size);
    const again = await freshDataDirTemplate(file);
    expect(again!.size).toBe(made!.size);
    const folder = path.join(dir, 'db');
    const db = await createFresh(folder, async () => again);
    // no schema came with the copy: every migration runs on the new database
    const { applied, version } = await migrate(pgliteExecutor(db));
    expect(applied.length).toBe(version);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n).toBe(version);
    await db.close();
    expect(await readdir(folder)).toContain('PG_VERSION');
  }, 60_000);

  it('a damaged copy falls back to initdb, in memory and in a folder', async () => {
    const bad = async () => new Blob([Buffer.from('not a tarball of a data folder')]);
    const mem = await createFresh(undefined, bad);
    expect((await mem.query<{ v: number }>('SELECT 1 AS v')).rows[0].v).toBe(1);
    await mem.close();
    const folder = path.join(dir, 'db-bad');
    const db = await createFresh(folder, bad);
    expect((await db.query<{ v: number }>('SELECT 1 AS v')).rows[0].v).toBe(1);
    await db.close();
  }, 60_000);
});
