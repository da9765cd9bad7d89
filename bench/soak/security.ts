// npx tsx bench/soak/security.ts — issue 14 part 5: each security invariant of the API checked at
// run time against a freshly built server (embedded PGlite store, in-memory batches), one row each.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BatchService, BatchSummary, BatchView, SubmitRequest } from '../../src/api/batch-service.js';
import { buildServer, type ApiServer } from '../../src/api/server.js';
import { SlideFormatError } from '../../src/errors/index.js';
import { SECURITY_DEFAULTS, type SecurityConfig } from '../../src/runtime/config.js';
import { ApiAuditLog } from '../../src/store/api-audit-log.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { hashToken, TokenStore } from '../../src/store/token-store.js';
import { runWhenMain, type SoakRow, type SoakSection } from './section.js';

/** Batches kept in memory: the security checks need a submit that answers, not a queue. */
class MemoryBatches implements BatchService {
  readonly submitted: SubmitRequest[] = [];
  async submit(r: SubmitRequest) {
    this.submitted.push(r);
    return { batchId: this.submitted.length };
  }
  async get(id: number): Promise<BatchView | undefined> {
    const r = this.submitted[id - 1];
    return r && { id, status: 'queued', createdBy: r.createdBy, createdAt: new Date(), slides: [] };
  }
  async list(createdBy?: string): Promise<BatchSummary[]> {
    return this.submitted
      .map((r, i) => ({ id: i + 1, status: 'queued' as const, createdBy: r.createdBy, createdAt: new Date(), slides: r.slides.length, done: 0, failed: 0 }))
      .filter((b) => createdBy === undefined || b.createdBy === createdBy);
  }
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const BAD = `bq_${'A'.repeat(43)}`;

interface Rig {
  app: ApiServer;
  store: SqlStore;
  tokens: TokenStore;
  batches: MemoryBatches;
  root: string;
  token: { admin: string; submitter: string; reader: string };
  tokenId: { admin: number; submitter: number; reader: number };
}

async function rig(base: string, security: Partial<SecurityConfig> = {}, storeProxy?: (s: SqlStore) => SqlStore): Promise<Rig> {
  const root = await mkdtemp(path.join(base, 'slides-'));
  await mkdir(path.join(root, 'sub'));
  await writeFile(path.join(root, 'a.png'), PNG);
  const store = await openPgliteStore({ inMemory: true });
  const tokens = new TokenStore(store.executor);
  const batches = new MemoryBatches();
  const made = { admin: await tokens.createToken('admin', 'soak admin'), submitter: await tokens.createToken('submitter', 'soak submitter'), reader: await tokens.createToken('reader', 'soak reader') };
  const app = await buildServer({
    store: storeProxy ? storeProxy(store) : store,
    tokens,
    audit: new ApiAuditLog(store.executor),
    batches,
    config: { SLIDES_ROOT: root, MAX_UPLOAD_BYTES: 1024 * 1024, LOG_LEVEL: 'silent', ...security },
  });
  return {
    app, store, tokens, batches, root,
    token: { admin: made.admin.token, submitter: made.submitter.token, reader: made.reader.token },
    tokenId: { admin: made.admin.id, submitter: made.submitter.id, reader: made.reader.id },
  };
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

async function multipart(parts: { name: string; value: string | Buffer; filename?: string }[]) {
  const form = new FormData();
  for (const p of parts) {
    if (p.filename !== undefined) form.append(p.name, new Blob([typeof p.value === 'string' ? p.value : new Uint8Array(p.value)]), p.filename);
    else form.append(p.name, String(p.value));
  }
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await req.arrayBuffer()), headers: { 'content-type': req.headers.get('content-type') ?? '' } };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** 1. Only sha256 digests stored; near misses refused; verify time for near misses at both ends. */
async function tokensRow(r: Rig): Promise<SoakRow> {
  const { rows } = await r.store.executor.query<Record<string, unknown>>('SELECT * FROM api_tokens');
  const dump = JSON.stringify(rows);
  const secretsStored = Object.values(r.token).filter((t) => dump.includes(t.slice(3))).length;
  const hashed = rows.filter((row) => Object.values(r.token).some((t) => row.token_hash === hashToken(t))).length;
  const t = r.token.reader;
  const flip = (i: number) => t.slice(0, 3 + i) + (t[3 + i] === 'A' ? 'B' : 'A') + t.slice(4 + i);
  const kinds = { first: flip(0), last: flip(42), random: `bq_${randomBytes(32).toString('base64url')}` };
  const times: Record<string, number[]> = { first: [], last: [], random: [] };
  let accepted = 0;
  for (let i = 0; i < 200; i++) {
    for (const [k, tok] of Object.entries(kinds)) {
      const t0 = process.hrtime.bigint();
      if (await r.tokens.verify(tok)) accepted++;
      times[k].push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }
  const ok = secretsStored === 0 && hashed === 3 && accepted === 0 && (await r.tokens.verify(t)) !== undefined;
  return {
    item: 'tokens stored hashed, compared in constant time',
    outcome: `${hashed}/3 stored as sha256, ${secretsStored} secrets in the table; 600 near misses refused: ${600 - accepted}; row found by a public 8-char key, digests compared with timingSafeEqual`,
    figures: { medianUsFirstCharWrong: +median(times.first).toFixed(0), medianUsLastCharWrong: +median(times.last).toFixed(0), medianUsRandom: +median(times.random).toFixed(0) },
    ok,
  };
}

/** 2. 30 wrong tokens from one client: where the 429 starts; a good token then; another client. */
async function rateLimitRow(r: Rig): Promise<SoakRow> {
  const ip = '192.0.2.10';
  const statuses: number[] = [];
  let retryAfter = '';
  for (let i = 0; i < 30; i++) {
    const res = await r.app.inject({ method: 'GET', url: '/scores', headers: bearer(BAD), remoteAddress: ip });
    statuses.push(res.statusCode);
    if (res.statusCode === 429 && !retryAfter) retryAfter = String(res.headers['retry-after']);
  }
  const first429 = statuses.indexOf(429) + 1;
  const goodLocked = (await r.app.inject({ method: 'GET', url: '/scores', headers: bearer(r.token.reader), remoteAddress: ip })).statusCode;
  const otherClient = (await r.app.inject({ method: 'GET', url: '/scores', headers: bearer(r.token.reader), remoteAddress: '192.0.2.11' })).statusCode;
  const limit = SECURITY_DEFAULTS.AUTH_FAIL_LIMIT;
  const ok = first429 === limit + 1 && statuses.slice(0, limit).every((s) => s === 401) && statuses.slice(limit).every((s) => s === 429) && goodLocked === 429 && otherClient === 200 && Number(retryAfter) > 0;
  return {
    item: 'failed-auth rate limit (30 wrong tokens, one client)',
    outcome: `401 ×${limit}, then 429 from request ${first429} (Retry-After ${retryAfter} s); a good token from that client: ${goodLocked}; another client: ${otherClient}`,
    figures: { limit, first429, retryAfterS: Number(retryAfter), goodTokenLocked: goodLocked, otherClient },
    ok,
  };
}

/** GET /health over a real socket: header limits are enforced by node's parser, which inject() bypasses */
export function rawGet(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** 3. Each limit refused with its 4xx, the message naming the setting. */
async function limitsRow(r: Rig): Promise<SoakRow> {
  const s = SECURITY_DEFAULTS;
  const got: Record<string, string> = {};
  const named = (res: { statusCode: number; body: string }, setting: string) => `${res.statusCode}${res.body.includes(setting) ? '' : ' (setting not named)'}`;
  got.body = named(await r.app.inject({ method: 'POST', url: '/batches', headers: bearer(r.token.submitter), payload: { slides: [{ file: 'a.png', marker: 'x'.repeat(s.BODY_LIMIT_BYTES) }] } }), 'BODY_LIMIT_BYTES');
  got.query = named(await r.app.inject({ method: 'GET', url: `/scores?marker=${'x'.repeat(s.MAX_QUERY_BYTES)}`, headers: bearer(r.token.reader) }), 'MAX_QUERY_BYTES');
  got.params = named(await r.app.inject({ method: 'GET', url: `/scores?${Array.from({ length: s.MAX_QUERY_PARAMS + 1 }, (_, i) => `p${i}=1`).join('&')}`, headers: bearer(r.token.reader) }), 'MAX_QUERY_PARAMS');
  const many = await multipart(Array.from({ length: s.MAX_UPLOAD_FILES + 1 }, (_, i) => ({ name: 'file', value: PNG, filename: `f${i}.png` })));
  got.files = named(await r.app.inject({ method: 'POST', url: '/batches/upload', payload: many.payload, headers: { ...many.headers, ...bearer(r.token.submitter) } }), 'MAX_UPLOAD_FILES');
  const field = await multipart([{ name: 'metadata', value: 'x'.repeat(s.MAX_UPLOAD_FIELD_BYTES + 1) }, { name: 'file', value: PNG, filename: 'a.png' }]);
  got.field = named(await r.app.inject({ method: 'POST', url: '/batches/upload', payload: field.payload, headers: { ...field.headers, ...bearer(r.token.submitter) } }), 'MAX_UPLOAD_FIELD_BYTES');
  await r.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = r.app.server.address() as AddressInfo;
  const head = await rawGet(port, { 'x-padding': 'y'.repeat(s.MAX_HEADER_BYTES) });
  got.header = `${head.status}${head.body.includes('MAX_HEADER_BYTES') ? '' : ' (setting not named)'}`;
  await r.app.close();
  const want = { body: '413', query: '414', params: '400', files: '413', field: '413', header: '431' };
  const ok = Object.entries(want).every(([k, v]) => got[k] === v);
  return { item: 'body, header, query and multipart limits', outcome: Object.entries(got).map(([k, v]) => `${k} ${v}`).join(', '), figures: got, ok };
}

/** 4. Misnamed uploads refused by content; a true one taken. */
async function uploadsRow(r: Rig): Promise<SoakRow> {
  const cases: [string, Buffer, string, number][] = [
    ['PNG named .svs', PNG, 'scan.svs', 400],
    ['text named .tif', Buffer.from('just some text\n'), 'notes.tif', 400],
    ['PNG named .png', PNG, 'good.png', 201],
  ];
  const seen: Record<string, number> = {};
  for (const [what, bytes, filename] of cases) {
    const { payload, headers } = await multipart([{ name: 'file', value: bytes, filename }]);
    seen[what] = (await r.app.inject({ method: 'POST', url: '/batches/upload', payload, headers: { ...headers, ...bearer(r.token.submitter) } })).statusCode;
  }
  const ok = cases.every(([what, , , want]) => seen[what] === want);
  return { item: 'uploads sniffed by content, not name', outcome: Object.entries(seen).map(([k, v]) => `${k}: ${v}`).join(', '), figures: seen, ok };
}

/** 5. Security headers on the viewer page and on an API answer. */
async function headersRow(r: Rig): Promise<SoakRow> {
  const want: Record<string, RegExp> = {
    'x-content-type-options': /^nosniff$/,
    'x-frame-options': /^DENY$/,
    'referrer-policy': /^no-referrer$/,
  };
  let missing = 0;
  for (const url of ['/viewer', '/scores']) {
    const res = await r.app.inject({ method: 'GET', url, headers: bearer(r.token.reader) });
    for (const [h, re] of Object.entries(want)) if (!re.test(String(res.headers[h] ?? ''))) missing++;
    const csp = String(res.headers['content-security-policy'] ?? '');
    if (!csp.includes("frame-ancestors 'none'") || !csp.includes("script-src 'self'") || csp.includes("script-src 'self' 'unsafe")) missing++;
  }
  return {
    item: 'security headers (nosniff, DENY, no-referrer, CSP)',
    outcome: `${missing} missing on /viewer and /scores; the viewer under this CSP: test/web/viewer.test.ts (fails on any CSP violation)`,
    figures: { missing },
    ok: missing === 0,
  };
}

/** 6. CORS closed by default; with CORS_ORIGINS only the listed origin. */
async function corsRow(closed: Rig, open: Rig, listed: string): Promise<SoakRow> {
  const pre = (app: ApiServer, origin: string) =>
    app.inject({ method: 'OPTIONS', url: '/scores', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
  const acao = async (app: ApiServer, origin: string) => String((await pre(app, origin)).headers['access-control-allow-origin'] ?? 'none');
  const got = { defaultListed: await acao(closed.app, listed), defaultOther: await acao(closed.app, 'https://evil.example'), configuredListed: await acao(open.app, listed), configuredOther: await acao(open.app, 'https://evil.example') };
  const ok = got.defaultListed === 'none' && got.defaultOther === 'none' && got.configuredListed === listed && got.configuredOther === 'none';
  return { item: 'CORS closed unless CORS_ORIGINS', outcome: `preflight ACAO: default ${got.defaultListed}/${got.defaultOther}; configured listed ${got.configuredListed}, unlisted ${got.configuredOther}`, figures: got, ok };
}

/** 7. Write-route token uses audited, readable at GET /audit. */
async function auditRow(r: Rig): Promise<SoakRow> {
  const ip = '192.0.2.50';
  const sent = [
    await r.app.inject({ method: 'POST', url: '/batches', headers: bearer(r.token.submitter), payload: { slides: [{ file: 'a.png', patient: 'P01' }] }, remoteAddress: ip }),
    await r.app.inject({ method: 'POST', url: '/batches', headers: bearer(r.token.reader), payload: { slides: [{ file: 'a.png' }] }, remoteAddress: ip }),
    await r.app.inject({ method: 'DELETE', url: '/tokens/999', headers: bearer(BAD), remoteAddress: ip }),
    await r.app.inject({ method: 'GET', url: '/batches', headers: bearer(r.token.submitter), remoteAddress: ip }),
  ].map((x) => x.statusCode);
  const rows = (await r.app.inject({ method: 'GET', url: '/audit', headers: bearer(r.token.admin) })).json<{ tokenId: number | null; method: string; route: string; status: number; ip: string }[]>();
  const mine = rows.filter((x) => x.ip === ip).reverse();
  const expected = [
    { tokenId: r.tokenId.submitter, method: 'POST', route: '/batches', status: 201 },
    { tokenId: r.tokenId.reader, method: 'POST', route: '/batches', status: 403 },
    { tokenId: null, method: 'DELETE', route: '/tokens/:id', status: 401 },
  ];
  const ok = mine.length === 3 && expected.every((e, i) => Object.entries(e).every(([k, v]) => mine[i][k as keyof (typeof mine)[number]] === v));
  return { item: 'token uses on write routes audited', outcome: `${sent.join('/')} sent (3 writes, 1 read); ${mine.length} audit rows, who/route/status as sent: ${ok}`, figures: { writes: 3, reads: 1, auditRows: mine.length }, ok };
}

/** 8. A forced 4xx carrying a server path, and a forced 5xx carrying a stack: neither reaches the client. */
async function errorsRow(leaky: Rig): Promise<SoakRow> {
  const four = await leaky.app.inject({ method: 'GET', url: '/scores?marker=leak4', headers: bearer(leaky.token.reader) });
  const five = await leaky.app.inject({ method: 'GET', url: '/scores?marker=leak5', headers: bearer(leaky.token.reader) });
  const appDir = fileURLToPath(new URL('../../', import.meta.url));
  const leaks = [four.body, five.body].filter((b) => b.includes(leaky.root) || b.includes(appDir.replace(/\/$/, '')) || b.includes('node_modules') || /\bat .+:\d+:\d+/.test(b)).length;
  const message4 = four.json<{ message: string }>().message;
  const ok = four.statusCode === 400 && message4.startsWith('sub/b.tif:') && five.statusCode === 500 && five.json<{ message: string }>().message === 'internal error; see the server log' && leaks === 0;
  return { item: 'no stack traces or server paths in error bodies', outcome: `forced 4xx: "${message4}"; forced 5xx: "${five.json<{ message: string }>().message}"; leaks ${leaks}`, figures: { status4xx: four.statusCode, status5xx: five.statusCode, leaks }, ok };
}

/** 9. A name as patient id on every API way in: 400 naming the field. */
async function pseudonymRow(r: Rig): Promise<SoakRow> {
  const name = 'Anna Berg';
  const up = await multipart([{ name: 'metadata', value: JSON.stringify({ slides: [{ file: 'u.png', patient: name }] }) }, { name: 'file', value: PNG, filename: 'u.png' }]);
  const ways: [string, () => Promise<{ statusCode: number; body: string }>, string][] = [
    ['POST /batches', () => r.app.inject({ method: 'POST', url: '/batches', headers: bearer(r.token.submitter), payload: { slides: [{ file: 'a.png', patient: name }] } }), 'body.slides.0.patient'],
    ['POST /batches/upload', () => r.app.inject({ method: 'POST', url: '/batches/upload', payload: up.payload, headers: { ...up.headers, ...bearer(r.token.submitter) } }), 'metadata.slides.0.patient'],
    ['cohort patients', () => r.app.inject({ method: 'POST', url: '/cohort/import', headers: bearer(r.token.submitter), payload: { patients: { name: 'patients.csv', text: `pseudonym,diagnosis\n${name},DM\n` } } }), 'field pseudonym'],
    ['cohort visits (outcomes)', () => r.app.inject({ method: 'POST', url: '/cohort/import', headers: bearer(r.token.submitter), payload: { patients: { name: 'patients.csv', text: 'pseudonym,diagnosis\nP01,DM\n' }, visits: { name: 'visits.csv', text: `patient,timepoint,date,mmt8\n${name},baseline,2024-01-10,60\n` } } }), 'field patient'],
    ['GET /scores?patient', () => r.app.inject({ method: 'GET', url: `/scores?patient=${encodeURIComponent(name)}`, headers: bearer(r.token.reader) }), 'querystring.patient'],
    ['GET /scores?biopsy', () => r.app.inject({ method: 'GET', url: `/scores?biopsy=${encodeURIComponent(`${name}:baseline`)}`, headers: bearer(r.token.reader) }), 'querystring.biopsy'],
  ];
  const refused: string[] = [];
  const let_through: string[] = [];
  for (const [way, send, field] of ways) {
    const res = await send();
    (res.statusCode === 400 && res.body.includes(field) && res.body.includes('pseudonym') ? refused : let_through).push(way);
  }
  return {
    item: 'pseudonym rule on every patient id way in (API)',
    outcome: `"${name}" refused with 400 naming the field on ${refused.length}/${ways.length} ways${let_through.length ? `; let through: ${let_through.join(', ')}` : ''} (CLI ways: test/api/security-pseudonym.test.ts)`,
    figures: { ways: ways.length, refused: refused.length },
    ok: let_through.length === 0,
  };
}

export async function run(): Promise<SoakSection> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'bq-soak-security-'));
  const rigs: Rig[] = [];
  try {
    const main = await rig(base);
    rigs.push(main);
    const listed = 'https://lab.example.org';
    const open = await rig(base, { CORS_ORIGINS: [listed] });
    rigs.push(open);
    // a store whose score reads fail the two ways a bug might: a typed error quoting a server path, and an untyped one with a stack
    let leakyRoot = '';
    const leaky = await rig(base, {}, (s) =>
      new Proxy(s, {
        get(target, prop, receiver) {
          if (prop !== 'listScores') return Reflect.get(target, prop, receiver);
          return async (f: { marker?: string }) => {
            if (f.marker === 'leak4') throw new SlideFormatError(`${path.join(leakyRoot, 'sub', 'b.tif')}: not a supported slide format`);
            if (f.marker === 'leak5') throw new Error(`boom at ${fileURLToPath(import.meta.url)}:1:1 (node_modules/pg/lib/client.js:1:1)`);
            return target.listScores(f as never);
          };
        },
      }),
    );
    leakyRoot = leaky.root;
    rigs.push(leaky);
    const limitsRig = await rig(base);
    rigs.push(limitsRig);
    const rows = [
      await tokensRow(main),
      await rateLimitRow(main),
      await limitsRow(limitsRig),
      await uploadsRow(main),
      await headersRow(main),
      await corsRow(main, open, listed),
      await auditRow(main),
      await errorsRow(leaky),
      await pseudonymRow(main),
    ];
    return { title: 'Security (API)', rows };
  } finally {
    for (const r of rigs) {
      await r.app.close().catch(() => undefined);
      await r.store.close();
    }
    await rm(base, { recursive: true, force: true });
  }
}

await runWhenMain(import.meta.url, run);
