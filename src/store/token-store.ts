import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { SqlExecutor } from './executor.js';
import { StoreInputError } from '../errors/index.js';

/**
 * submitter: a pathologist — submits batches and reads their own.
 * reader: a researcher — reads scores and batch status.
 * pathologist: reviews analyses — reads and edits their regions and exclusions (issue 12).
 * admin: everything, including tokens.
 */
export const Role = z.enum(['submitter', 'reader', 'pathologist', 'admin']);
export type Role = z.infer<typeof Role>;

export interface TokenRecord {
  id: number;
  name: string;
  role: Role;
  createdAt: Date;
  revokedAt: Date | null;
}

/** `bq_` + base64url of 32 random bytes: 256 bits of entropy, 43 characters after the prefix. */
const TOKEN_FORMAT = /^bq_[A-Za-z0-9_-]{43}$/;

/**
 * A plain sha256 is the right hash here, unlike for passwords: the secret is 256 random bits, so
 * there is no dictionary to try and a slow, salted hash would buy nothing.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The token's lookup key: its first 8 characters after `bq_` (48 bits), stored in clear. It only
 * finds the row; what proves the token is the digest of all of it, compared in constant time.
 */
export function tokenLookup(token: string): string {
  return token.slice(3, 11);
}

/**
 * Constant-time digest comparison. Looking the digest up with `WHERE token_hash = $1` would let
 * the database compare it byte by byte, stopping at the first difference: the time an answer
 * takes would tell how many leading bytes of a guess's digest match a stored one. Here the
 * time depends on neither digest's content.
 */
function sameDigest(stored: string, presented: Buffer): boolean {
  const a = Buffer.from(stored, 'hex');
  return a.length === presented.length && timingSafeEqual(a, presented);
}

const TokenName = z.string().trim().min(1).max(100);

/** API tokens over the store's SQL executor (same SQL on PGlite and PostgreSQL). */
export class TokenStore {
  constructor(private readonly db: SqlExecutor) {}

  /** The returned token is the only copy of the secret: print it once, it cannot be recovered. */
  async createToken(role: Role, name: string): Promise<{ id: number; token: string }> {
    const r = Role.safeParse(role);
    if (!r.success) throw new StoreInputError(`createToken: role must be one of ${Role.options.join(', ')} (got "${String(role)}")`);
    const n = TokenName.safeParse(name);
    if (!n.success) throw new StoreInputError('createToken: name must be 1-100 characters');
    const token = `bq_${randomBytes(32).toString('base64url')}`;
    const { rows } = await this.db.query<{ id: number }>(
      'INSERT INTO api_tokens (name, role, token_hash, lookup) VALUES ($1, $2, $3, $4) RETURNING id',
      [n.data, r.data, hashToken(token), tokenLookup(token)],
    );
    return { id: rows[0].id, token };
  }

  /** The token's id and role, or undefined when it is malformed, unknown or revoked. */
  /**
   * The row is found by the token's lookup key, never by its digest (see sameDigest); every
   * candidate is compared, without stopping at a match. A guess whose lookup key matches no token
   * answers sooner than one whose key does, which tells the guesser those 48 public bits and
   * nothing of the other 208. Tokens from before migration 010 (lookup null) are candidates for
   * every token until their first use stores their key.
   */
  async verify(token: string): Promise<{ id: number; role: Role } | undefined> {
    if (!TOKEN_FORMAT.test(token)) return undefined;
    const lookup = tokenLookup(token);
    const { rows } = await this.db.query<{ id: number; role: Role; token_hash: string; lookup: string | null }>(
      'SELECT id, role, token_hash, lookup FROM api_tokens WHERE (lookup = $1 OR lookup IS NULL) AND revoked_at IS NULL',
      [lookup],
    );
    const digest = Buffer.from(hashToken(token), 'hex');
    let found: (typeof rows)[number] | undefined;
    for (const row of rows) if (sameDigest(row.token_hash, digest) && !found) found = row;
    if (!found) return undefined;
    if (found.lookup === null) await this.db.query('UPDATE api_tokens SET lookup = $1 WHERE id = $2 AND lookup IS NULL', [lookup, found.id]);
    return { id: found.id, role: found.role };
  }

  /** true when the token existed and was active; revoking twice keeps the first time. */
  async revoke(id: number): Promise<boolean> {
    const { rows } = await this.db.query<{ id: number }>(
      'UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id',
      [id],
    );
    return rows.length > 0;
  }

  async list(): Promise<TokenRecord[]> {
    const { rows } = await this.db.query<{ id: number; name: string; role: Role; created_at: Date; revoked_at: Date | null }>(
      'SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY id',
    );
    return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, createdAt: r.created_at, revokedAt: r.revoked_at }));
  }
}
