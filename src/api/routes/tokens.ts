import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { allow, principalOf } from '../auth.js';
import { Role } from '../../store/token-store.js';
import type { ApiDeps } from '../deps.js';
import { HttpError } from '../../errors/index.js';
import { tokenJson } from '../json-views.js';
import { CreatedToken, CreateTokenBody, Problem, TokenId, TokenJson } from '../schemas.js';

const security = [{ bearer: [] }];

/**
 * Token administration (admin only; the secret appears once, in the 201 answer), and GET
 * /tokens/me for any token: the viewer offers the review tools only to a role that may use them.
 */
export function tokenRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/tokens/me', {
      onRequest: allow(deps.tokens, 'submitter', 'reader', 'pathologist'),
      schema: {
        summary: "The calling token's id and role",
        tags: ['tokens'],
        security,
        response: { 200: z.object({ id: z.number().int(), role: Role }), 401: Problem },
      },
    }, async (req) => {
      const p = principalOf(req);
      return { id: p.tokenId, role: p.role };
    });

    app.post('/tokens', {
      onRequest: allow(deps.tokens, 'admin'),
      schema: {
        summary: 'Create an API token',
        tags: ['tokens'],
        security,
        body: CreateTokenBody,
        response: { 201: CreatedToken, 400: Problem, 401: Problem, 403: Problem },
      },
    }, async (req, reply) => {
      const { id, token } = await deps.tokens.createToken(req.body.role, req.body.name);
      return reply.code(201).header('cache-control', 'no-store').send({ id, role: req.body.role, token });
    });

    app.get('/tokens', {
      onRequest: allow(deps.tokens, 'admin'),
      schema: { summary: 'List tokens (never their secrets)', tags: ['tokens'], security, response: { 200: z.array(TokenJson), 401: Problem, 403: Problem } },
    }, async () => (await deps.tokens.list()).map(tokenJson));

    app.delete('/tokens/:id', {
      onRequest: allow(deps.tokens, 'admin'),
      schema: { summary: 'Revoke a token', tags: ['tokens'], security, params: TokenId, response: { 204: z.null(), 401: Problem, 403: Problem, 404: Problem } },
    }, async (req, reply) => {
      if (!(await deps.tokens.revoke(req.params.id))) throw new HttpError(404, `token ${req.params.id} not found or already revoked`);
      return reply.code(204).send(null);
    });
  };
}
