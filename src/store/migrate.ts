import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { canonicaliseStoredNames } from './canonical-names.js';
import type { SqlExecutor } from './executor.js';
import { StoreError } from '../errors/index.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

/** Any constant will do; it only has to be the same for every process migrating this database. */
const MIGRATION_LOCK_KEY = 4_815_162_342;

/** Migrations in version order. File names are `NNN_what.sql`; anything else in the folder is an error. */
export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const m = FILE_NAME.exec(name);
    if (!m) throw new StoreError(`migration file ${dir}${name} is not named NNN_description.sql`);
    const sql = await readFile(`${dir}${name}`, 'utf8');
    migrations.push({ version: Number(m[1]), name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version === migrations[i - 1].version) {
      throw new StoreError(`migrations ${migrations[i - 1].name} and ${migrations[i].name} share version ${migrations[i].version}`);
    }
  }
  return migrations;
}

/**
 * Applies the migrations not yet recorded in schema_migrations, all in one transaction under an
 * advisory lock, so two processes starting together never apply one twice and a failure leaves
 * the schema as it was. An applied migration whose file has since changed is refused: the
 * database would silently differ from what the files say. Then, in the same transaction, stored
 * marker and timepoint names are made canonical (src/store/canonical-names.ts).
 */
export async function migrate(db: SqlExecutor, migrations?: Migration[]): Promise<{ applied: number[]; version: number }> {
  const all = migrations ?? (await loadMigrations());
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    const done = new Map(rows.map((r) => [r.version, r]));
    const applied: number[] = [];
    for (const m of all) {
      const prior = done.get(m.version);
      if (prior) {
        if (prior.checksum !== m.checksum) {
          throw new StoreError(`migration ${m.name} was changed after it was applied (as ${prior.name}); add a new migration instead`);
        }
        continue;
      }
      try {
        await tx.exec(m.sql);
      } catch (err) {
        throw new StoreError(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
      applied.push(m.version);
    }
    // not a numbered migration: it follows the marker registry, which may learn a spelling later
    await canonicaliseStoredNames(tx);
    const version = Math.max(0, ...rows.map((r) => r.version), ...applied);
    return { applied, version };
  });
}
