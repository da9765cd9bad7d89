import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { ClosableExecutor, SqlExecutor } from './executor.js';
import { migrate } from './migrate.js';
import { freshDataDirTemplate } from './pglite-template.js';
import { SqlStore } from './sql-store.js';
import { StoreError } from '../errors/index.js';

function txExecutor(tx: Transaction): SqlExecutor {
  const self: SqlExecutor = {
    query: (sql, params) => tx.query(sql, params),
    exec: async (sql) => {
      await tx.exec(sql);
    },
    // PGlite has no savepoint helper; an inner transaction simply joins the outer one
    transaction: (fn) => fn(self),
  };
  return self;
}

export function pgliteExecutor(db: PGlite): ClosableExecutor {
  return {
    kind: 'pglite',
    query: (sql, params) => db.query(sql, params),
    exec: async (sql) => {
      await db.exec(sql);
    },
    transaction: (fn) => db.transaction((tx) => fn(txExecutor(tx))),
    close: () => db.close(),
  };
}

export interface PgliteStoreOptions {
  /** DATA_DIR; the database lives in its `pglite` subfolder. Default ./data */
  dataDir?: string;
  /** a throw-away database in memory (tests) */
  inMemory?: boolean;
}

/** A new database, from the initialised template where there is one (pglite-template.ts), else by initdb. */
export async function createFresh(dir?: string, templateOf: () => Promise<Blob | null> = freshDataDirTemplate): Promise<PGlite> {
  const template = await templateOf();
  if (template) {
    try {
      return await PGlite.create(dir, { loadDataDir: template });
    } catch {
      // a damaged copy: what it left in the new folder goes, and initdb makes the database
      if (dir) for (const name of await readdir(dir).catch(() => [])) await rm(join(dir, name), { recursive: true, force: true });
    }
  }
  return PGlite.create(dir);
}

/**
 * The embedded store: PostgreSQL compiled to WebAssembly, in this process. One process only may
 * open a file-backed PGlite at a time, so in embedded mode the main thread writes and worker
 * threads only analyse.
 */
export async function openPgliteStore(options: PgliteStoreOptions = {}): Promise<SqlStore> {
  let db: PGlite;
  if (options.inMemory) {
    db = await createFresh();
  } else {
    const dir = join(options.dataDir ?? './data', 'pglite');
    try {
      if (existsSync(join(dir, 'PG_VERSION'))) db = await PGlite.create(dir);
      else {
        await mkdir(dir, { recursive: true });
        db = await createFresh(dir);
      }
    } catch (err) {
      throw new StoreError(`cannot open the PGlite database in ${dir}: ${(err as Error).message}`, { cause: err });
    }
  }
  const exec = pgliteExecutor(db);
  try {
    await migrate(exec);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return new SqlStore(exec);
}
