import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildServer, type ApiServer } from '../../src/api/server.js';
import type { SecurityConfig, UploadConfig } from '../../src/runtime/config.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { ApiAuditLog } from '../../src/store/api-audit-log.js';
import { TokenStore, type Role } from '../../src/store/token-store.js';
import { FakeBatches } from './fake-batches.js';

export interface Api {
  app: ApiServer;
  store: SqlStore;
  tokens: TokenStore;
  batches: FakeBatches;
  /** SLIDES_ROOT (a temp folder with a.png, sub/b.tif) */
  root: string;
  /** a folder beside the root, outside it, with secret.png */
  outside: string;
  token: Record<Role, string> & { submitter2: string };
  /** ids of the tokens above */
  tokenId: Record<Role, number> & { submitter2: number };
  close(): Promise<void>;
}

export async function openApi(
  options: { maxUploadBytes?: number; probes?: Record<string, () => Promise<unknown>>; security?: Partial<SecurityConfig>; uploads?: Partial<UploadConfig> } = {},
): Promise<Api> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'bq-api-'));
  const root = path.join(base, 'slides');
  const outside = path.join(base, 'outside');
  await mkdir(path.join(root, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(root, 'a.png'), 'not really a png');
  await writeFile(path.join(root, 'sub', 'b.tif'), 'not really a tiff');
  await writeFile(path.join(outside, 'secret.png'), 'secret');

  const store = await openPgliteStore({ inMemory: true });
  const tokens = new TokenStore(store.executor);
  const batches = new FakeBatches();
  const created = {} as Record<string, { id: number; token: string }>;
  for (const [key, role] of [['admin', 'admin'], ['submitter', 'submitter'], ['reader', 'reader'], ['pathologist', 'pathologist'], ['submitter2', 'submitter']] as const) {
    created[key] = await tokens.createToken(role, `test ${key}`);
  }
  const app = await buildServer({
    store,
    tokens,
    audit: new ApiAuditLog(store.executor),
    batches,
    // tests that send many wrong tokens on purpose are not locked out unless they ask to be
    config: { SLIDES_ROOT: root, MAX_UPLOAD_BYTES: options.maxUploadBytes ?? 1024 * 1024, LOG_LEVEL: 'silent', AUTH_FAIL_LIMIT: 10_000, ...options.security, ...options.uploads },
    probes: options.probes,
    pollMs: 5,
  });
  const pick = <K extends 'id' | 'token'>(k: K) =>
    Object.fromEntries(Object.entries(created).map(([name, t]) => [name, t[k]])) as Record<Role | 'submitter2', (typeof created)[string][K]>;
  return {
    app,
    store,
    tokens,
    batches,
    root,
    outside,
    token: pick('token'),
    tokenId: pick('id'),
    close: async () => {
      await app.close();
      await store.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A multipart/form-data body as a browser or fetch would send it. */
export async function multipart(parts: { name: string; value: string | Uint8Array; filename?: string }[]) {
  const form = new FormData();
  // a copy, so the Blob gets a plain ArrayBuffer whatever backed the caller's bytes
  const blob = (v: string | Uint8Array) => new Blob([typeof v === 'string' ? v : new Uint8Array(v)]);
  for (const p of parts) {
    if (p.filename !== undefined) form.append(p.name, blob(p.value), p.filename);
    else form.append(p.name, typeof p.value === 'string' ? p.value : blob(p.value));
  }
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await req.arrayBuffer()), headers: { 'content-type': req.headers.get('content-type') ?? '' } };
}
