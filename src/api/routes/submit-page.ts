import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
const JS = 'text/javascript; charset=utf-8';

/** A file of an installed package, found through Node's resolution wherever npm put it: nothing comes from a CDN. */
function packageFile(pkg: string, file: string): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve(pkg));
  while (!existsSync(path.join(dir, 'package.json')) || !dir.endsWith(path.join('node_modules', pkg))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package ${pkg} has no folder of its own under node_modules`);
    dir = up;
  }
  return path.join(dir, file);
}

const SUBMIT_FILES: Record<string, { file: string; type: string }> = {
  ...Object.fromEntries(
    ['submit.js', 'submit-files.js', 'submit-table.js', 'submit-upload.js', 'submit-progress.js', 'submit-picker.js', 'batch-list.js', 'event-stream.js', 'hash-worker.js', 'http.js'].map((f) => [f, { file: path.join(WEB_DIR, f), type: JS }]),
  ),
  'submit.css': { file: path.join(WEB_DIR, 'submit.css'), type: 'text/css; charset=utf-8' },
  // the tus client's browser build (UMD, global `tus`) and hash-wasm's SHA-256 (UMD, global `hashwasm`)
  'tus.min.js': { file: packageFile('tus-js-client', 'dist/tus.min.js'), type: JS },
  'sha256.umd.min.js': { file: packageFile('hash-wasm', 'dist/sha256.umd.min.js'), type: JS },
};
const SubmitFile = z.object({ file: z.enum(Object.keys(SUBMIT_FILES) as [string, ...string[]]) });

/**
 * The API's policy (security.ts) plus WebAssembly compilation, which hash-wasm needs to hash a
 * file of gigabytes piece by piece (WebCrypto hashes only whole buffers, and only on https).
 * 'wasm-unsafe-eval' lets a page compile wasm, not evaluate JavaScript; only the submission page
 * and its hashing worker get it.
 */
const SUBMIT_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "script-src-attr 'none'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join(';');

/** The submission page (src/web/submit.html, no build step) and its scripts; the page holds no data and needs no token. */
export function submitPageRoutes(): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/submit', { schema: { summary: 'The submission page (HTML): drop slides, fill metadata, follow the batch; pass a submitter token as #token=…', tags: ['uploads'] } }, async (_req, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', SUBMIT_CSP).send(await readFile(path.join(WEB_DIR, 'submit.html'))),
    );
    app.get('/submit/:file', { schema: { hide: true, params: SubmitFile } }, async (req, reply) => {
      const f = SUBMIT_FILES[req.params.file];
      return reply.type(f.type).header('cache-control', 'no-cache').header('content-security-policy', SUBMIT_CSP).send(await readFile(f.file));
    });
  };
}
