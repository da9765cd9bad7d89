import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { ClosableExecutor, SqlExecutor } from './executor.js';
import { migrate } from './migrate.js';
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

/**
 * The embedded store: PostgreSQL compiled to WebAssembly, in this process. One process only may
 * open a file-backed PGlite at a time, so in embedded mode the main thread writes and worker
 * threads only analyse.
 */
export async function openPgliteStore(options: PgliteStoreOptions = {}): Promise<SqlStore> {
  let db: PGlite;
  if (options.inMemory) {
    db = await PGlite.create();
  } else {
    const dir = join(options.dataDir ?? './data', 'pglite');
    try {
      await mkdir(dir, { recursive: true });
      db = await PGlite.create(dir);
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
