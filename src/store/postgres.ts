import pg from 'pg';
import type { ClosableExecutor, SqlExecutor } from './executor.js';
import { migrate } from './migrate.js';
import { SqlStore } from './sql-store.js';
import { StoreError } from '../errors/index.js';

function clientExecutor(client: pg.PoolClient): SqlExecutor {
  const self: SqlExecutor = {
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as T[] }),
    exec: async (sql) => {
      await client.query(sql);
    },
    // an inner transaction joins the outer one, as with PGlite
    transaction: (fn) => fn(self),
  };
  return self;
}

export function postgresExecutor(pool: pg.Pool): ClosableExecutor {
  return {
    kind: 'postgres',
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await pool.query(sql, params)).rows as T[] }),
    exec: async (sql) => {
      await pool.query(sql);
    },
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(clientExecutor(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export interface PostgresStoreOptions {
  connectionString: string;
  /** use (and create) this schema instead of public, e.g. one per test run */
  schema?: string;
  /** pool size; default 10 */
  max?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The service store: PostgreSQL through a pool, same SQL as PGlite. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<SqlStore> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreError(`schema name "${schema}" must be lower-case letters, digits and underscores`);
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // an idle client losing its server must not crash the process; the next query reports it
  pool.on('error', () => undefined);
  const exec = postgresExecutor(pool);
  try {
    if (schema) await exec.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await migrate(exec);
  } catch (err) {
    await pool.end().catch(() => undefined);
    const where = options.connectionString.replace(/\/\/[^@/]*@/, '//');
    if (err instanceof StoreError) throw err;
    throw new StoreError(`cannot open the PostgreSQL store at ${where}: ${(err as Error).message}`, { cause: err });
  }
  return new SqlStore(exec);
}
