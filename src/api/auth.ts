import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Role, TokenStore } from '../store/token-store.js';
import { HttpError } from '../errors/index.js';
import type { FailedAuthLimiter } from './failed-auth-limiter.js';

/**
 * Who may do what (one role per token; admin implies every role):
 * - submitter (pathologist): submit batches; list, read and follow its own batches only — another
 *   token's batch answers 404, as if it did not exist.
 * - reader (researcher): read scores; read any batch's status, since it shows no more than the
 *   scores already do (paths, patient pseudonyms, errors) and tells whether they are complete.
 * - pathologist (reviewer): read an analysis's regions and exclusions with the scores inside them,
 *   and save new versions of them; correct cells and fibres; start, sign off and reopen reviews
 *   (issue 12). Readers read all of it (regions, corrections, review state, audit log) but may not
 *   change it. Submitting stays the submitter's: a reviewer need not be the one who scanned.
 * - admin: everything above, plus tokens.
 * No or unknown/revoked token → 401; a valid token without the role → 403. A client that sent
 * AUTH_FAIL_LIMIT wrong tokens in a window is refused (429) until it ends (failed-auth-limiter.ts).
 */
export interface Principal {
  tokenId: number;
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the token's holder, once the token is verified (set before its role is checked, so a 403 is audited with its token) */
    principal?: Principal;
  }
  interface FastifyInstance {
    /** counts wrong tokens per client (security.ts); absent, nothing is counted */
    failedAuth?: FailedAuthLimiter;
  }
}

export type TokenVerifier = Pick<TokenStore, 'verify'>;

const BEARER = /^Bearer[ ]+(\S+)\s*$/i;

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new HttpError(401, 'authentication required');
  return req.principal;
}

/** `token:<id>`: what a batch records as its creator, so ownership survives token renames. */
export function creatorOf(p: Principal): string {
  return `token:${p.tokenId}`;
}

/** A hook that lets a request through only with a valid token of one of these roles (or admin). */
export function allow(tokens: TokenVerifier, ...roles: Role[]): onRequestHookHandler {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization;
    const m = header ? BEARER.exec(header) : null;
    if (!m) {
      if (header) req.server.failedAuth?.fail(req.ip);
      reply.header('www-authenticate', 'Bearer');
      throw new HttpError(401, header ? 'Authorization header must be "Bearer <token>"' : 'missing API token (Authorization: Bearer <token>)');
    }
    const found = await tokens.verify(m[1]);
    if (!found) {
      req.server.failedAuth?.fail(req.ip);
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw new HttpError(401, 'invalid or revoked API token');
    }
    req.principal = { tokenId: found.id, role: found.role };
    if (found.role !== 'admin' && !roles.includes(found.role)) {
      throw new HttpError(403, `a ${found.role} token may not ${req.method} ${req.routeOptions.url}; needs ${[...roles, 'admin'].join(' or ')}`);
    }
  };
}
