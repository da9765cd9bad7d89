import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors/index.js';
import type { SecurityConfig } from '../runtime/config.js';
import type { ApiAuditLog } from '../store/api-audit-log.js';
import { FailedAuthLimiter } from './failed-auth-limiter.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The API's guards (issue 14), registered on the root before any route: security headers, CORS
 * (closed unless CORS_ORIGINS names origins), query-string limits, the failed-auth lockout and
 * the audit of every token use on a write route. Body and header limits are fastify and node
 * options (server.ts); multipart limits are @fastify/multipart's.
 */
export async function registerSecurity(
  app: FastifyInstance,
  config: SecurityConfig,
  audit: Pick<ApiAuditLog, 'record'>,
): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      // what the viewer (src/web, OpenSeadragon) needs and no more: scripts and images from this
      // server only (tiles are same-origin <img>/canvas sources), no inline script, no plugins, no
      // framing. Styles may be inline: OpenSeadragon injects a <style> element of its own when a
      // viewer opens (test/web/viewer.test.ts fails on any CSP violation); a style cannot run code.
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // a page of a listed CORS origin may load tiles as images; otherwise this site only
    crossOriginResourcePolicy: { policy: config.CORS_ORIGINS.length > 0 ? 'cross-origin' : 'same-origin' },
  });
  if (config.CORS_ORIGINS.length > 0) {
    // only listed origins get Access-Control-Allow-Origin; any other origin's preflight gets none
    await app.register(fastifyCors, {
      origin: config.CORS_ORIGINS,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type'],
      maxAge: 600,
    });
  }

  const limiter = new FailedAuthLimiter(config.AUTH_FAIL_LIMIT, config.AUTH_FAIL_WINDOW_MS);
  app.decorate('failedAuth', limiter);

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.url.indexOf('?');
    if (q >= 0) {
      const query = req.url.slice(q + 1);
      if (query.length > config.MAX_QUERY_BYTES) {
        throw new HttpError(414, `query string is ${query.length} bytes, over the limit of ${config.MAX_QUERY_BYTES} (MAX_QUERY_BYTES)`);
      }
      const params = query.split('&').filter(Boolean).length;
      if (params > config.MAX_QUERY_PARAMS) {
        throw new HttpError(400, `query string has ${params} parameters, over the limit of ${config.MAX_QUERY_PARAMS} (MAX_QUERY_PARAMS)`);
      }
    }
    // a locked-out client is refused whatever token it now presents; requests without one (the
    // health check, the viewer's files) pass
    if (req.headers.authorization !== undefined) {
      const wait = limiter.retryAfterS(req.ip);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new HttpError(429, `too many wrong API tokens from this client (limit ${config.AUTH_FAIL_LIMIT} per ${config.AUTH_FAIL_WINDOW_MS / 1000} s, AUTH_FAIL_LIMIT); retry in ${wait} s`);
      }
    }
  });

  // before the answer leaves, so a client that got its answer finds its use in the log
  app.addHook('onSend', async (req, reply, payload) => {
    const route = req.routeOptions.url;
    if (!WRITE_METHODS.has(req.method) || req.headers.authorization === undefined || route === undefined) return payload;
    try {
      await audit.record({
        tokenId: req.principal?.tokenId ?? null,
        method: req.method,
        route,
        path: req.url.split('?')[0],
        status: reply.statusCode,
        ip: req.ip,
      });
    } catch (err) {
      req.log.error({ err }, 'could not write the API audit log');
    }
    return payload;
  });
}
