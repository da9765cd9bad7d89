/**
 * The only thing the store needs from a database: PGlite and node-postgres both fit behind it,
 * so every query is written once (PostgreSQL 15 dialect, $n placeholders).
 */
export interface SqlExecutor {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** one or more statements without parameters (migrations) */
  exec(sql: string): Promise<void>;
  /** runs fn in one transaction; a transaction inside a transaction joins the outer one */
  transaction<R>(fn: (tx: SqlExecutor) => Promise<R>): Promise<R>;
}

/** An executor that owns a connection (pool or embedded database) and can be shut. */
export interface ClosableExecutor extends SqlExecutor {
  close(): Promise<void>;
  /** 'pglite' or 'postgres', for messages and reports */
  readonly kind: string;
}
