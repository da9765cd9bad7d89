import type { SqlExecutor } from './executor.js';

/** One use of an API token on a write route (migration 010). */
export interface ApiAuditEntry {
  id: number;
  at: Date;
  /** null: the token presented was unknown, revoked or malformed */
  tokenId: number | null;
  /** the token's name at the time of reading; null with tokenId */
  tokenName: string | null;
  method: string;
  /** the route template, e.g. /analyses/:id/regions */
  route: string;
  /** the path requested, without its query */
  path: string;
  status: number;
  ip: string | null;
}

export type ApiAuditInput = Pick<ApiAuditEntry, 'tokenId' | 'method' | 'route' | 'path' | 'status' | 'ip'>;

/** The API's audit log of token uses on write routes, over the store's SQL executor (same SQL on PGlite and PostgreSQL). */
export class ApiAuditLog {
  constructor(private readonly db: SqlExecutor) {}

  async record(e: ApiAuditInput): Promise<void> {
    await this.db.query('INSERT INTO api_audit (token_id, method, route, path, status, ip) VALUES ($1, $2, $3, $4, $5, $6)', [
      e.tokenId, e.method, e.route, e.path.slice(0, 2048), e.status, e.ip,
    ]);
  }

  /** Newest first; `tokenId` narrows to one token's uses. */
  async list(options: { tokenId?: number; limit?: number } = {}): Promise<ApiAuditEntry[]> {
    const { rows } = await this.db.query<{
      id: string | number; at: Date; token_id: number | null; name: string | null; method: string; route: string; path: string; status: number; ip: string | null;
    }>(
      `SELECT a.id, a.at, a.token_id, t.name, a.method, a.route, a.path, a.status, a.ip
         FROM api_audit a LEFT JOIN api_tokens t ON t.id = a.token_id
        WHERE ($1::integer IS NULL OR a.token_id = $1)
        ORDER BY a.id DESC LIMIT $2`,
      [options.tokenId ?? null, options.limit ?? 100],
    );
    return rows.map((r) => ({
      id: Number(r.id), at: r.at, tokenId: r.token_id, tokenName: r.name, method: r.method, route: r.route, path: r.path, status: r.status, ip: r.ip,
    }));
  }
}
