import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorMessage } from '../../errors/index.js';
import type { ApiDeps } from '../deps.js';
import { Health } from '../schemas.js';

/** A dependency slower than this counts as unreachable: health checks must answer quickly. */
const PROBE_TIMEOUT_MS = 2_000;

function withTimeout(p: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** No token needed: load balancers and `docker compose` probe it. 503 when any check fails. */
export function healthRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const probes = deps.probes ?? { store: () => deps.store.counts() };
  return async (app) => {
    app.get('/health', {
      schema: { summary: 'Store and queue reachability', tags: ['health'], response: { 200: Health, 503: Health } },
    }, async (_req, reply) => {
      const checks: Record<string, string> = {};
      await Promise.all(
        Object.entries(probes).map(async ([name, probe]) => {
          try {
            await withTimeout(Promise.resolve().then(probe));
            checks[name] = 'ok';
          } catch (err) {
            checks[name] = errorMessage(err);
          }
        }),
      );
      const ok = Object.values(checks).every((v) => v === 'ok');
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks });
    });
  };
}
