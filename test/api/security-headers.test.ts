import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from '../../src/api/server.js';
import { ApiAuditLog } from '../../src/store/api-audit-log.js';
import { bearer, openApi, type Api } from './setup.js';

const LISTED = 'https://lab.example.org';
const OTHER = 'https://evil.example.net';
let api: Api;
/** the same store and tokens, served with CORS_ORIGINS set */
let withCors: ApiServer;
beforeAll(async () => {
  api = await openApi();
  withCors = await buildServer({
    store: api.store,
    tokens: api.tokens,
    audit: new ApiAuditLog(api.store.executor),
    batches: api.batches,
    config: { SLIDES_ROOT: api.root, MAX_UPLOAD_BYTES: 1024, LOG_LEVEL: 'silent', CORS_ORIGINS: [LISTED, 'http://localhost:5173'] },
  });
});
afterAll(async () => {
  await withCors?.close();
  await api.close();
});

const preflight = (app: ApiServer, origin: string) =>
  app.inject({ method: 'OPTIONS', url: '/scores', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });

describe('security headers (issue 14)', () => {
  it.each([
    ['the viewer page', '/viewer', undefined],
    ['an API answer', '/scores', 'reader'],
    ['an error', '/scores?bad=1', 'reader'],
    ['a 401', '/scores', undefined],
  ] as const)('%s carries nosniff, no framing, no referrer and a CSP', async (_what, url, role) => {
    const res = await api.app.inject({ method: 'GET', url, headers: role ? bearer(api.token[role]) : {} });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    const csp = Object.fromEntries(String(res.headers['content-security-policy']).split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
    expect(csp).toEqual({
      'default-src': "'self'",
      'script-src': "'self'",
      'script-src-attr': "'none'",
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data: blob:",
      'connect-src': "'self'",
      'font-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'self'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
    });
  });
});

describe('CORS (issue 14)', () => {
  it('is closed by default: a preflight or a request from any origin gets no Access-Control-Allow-Origin', async () => {
    for (const origin of [LISTED, OTHER]) {
      const pre = await preflight(api.app, origin);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      expect(pre.statusCode).toBe(404);
      const get = await api.app.inject({ method: 'GET', url: '/scores', headers: { origin, ...bearer(api.token.reader) } });
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('with CORS_ORIGINS, answers only the listed origins', async () => {
    const ok = await preflight(withCors, LISTED);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(LISTED);
    expect(ok.headers['access-control-allow-headers']).toBe('authorization, content-type');
    const get = await withCors.inject({ method: 'GET', url: '/scores', headers: { origin: LISTED, ...bearer(api.token.reader) } });
    expect(get.statusCode).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe(LISTED);
    // a listed origin's page may show tiles as images
    expect(get.headers['cross-origin-resource-policy']).toBe('cross-origin');

    const refused = await preflight(withCors, OTHER);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    const other = await withCors.inject({ method: 'GET', url: '/scores', headers: { origin: OTHER, ...bearer(api.token.reader) } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
