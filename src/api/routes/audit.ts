import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { allow } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { Problem } from '../schemas.js';

const AuditQuery = z.object({
  tokenId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();

const AuditEntryJson = z.object({
  id: z.number().int(),
  at: z.string().describe('ISO 8601'),
  tokenId: z.number().int().nullable().describe('null: the token presented was unknown, revoked or malformed'),
  tokenName: z.string().nullable(),
  method: z.string(),
  route: z.string().describe('the route template, e.g. /analyses/:id/regions'),
  path: z.string(),
  status: z.number().int(),
  ip: z.string().nullable(),
});

/** GET /audit (admin): every token use on a write route, newest first (security.ts records them). */
export function auditRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/audit', {
      onRequest: allow(deps.tokens, 'admin'),
      schema: {
        summary: 'Token uses on write routes (POST, PUT, DELETE): who, route, method, status, when, from where; newest first',
        tags: ['tokens'],
        security: [{ bearer: [] }],
        querystring: AuditQuery,
        response: { 200: z.array(AuditEntryJson), 400: Problem, 401: Problem, 403: Problem },
      },
    }, async (req) => (await deps.audit.list(req.query)).map((e) => ({ ...e, at: e.at.toISOString() })));
  };
}
