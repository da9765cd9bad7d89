// Where the CLI (bin/biopsy-quant.js) and embedded-mode worker threads
// (src/pipeline/tile-worker-entry.mjs) load the code from. It runs from the TypeScript source
// (src/, workers/), so there is no build step to forget; but through tsx every start paid for
// loading each of a command's ~300 modules one at a time through tsx's loader thread
// (`compare --help` 0.63 s, `serve` up in ~2 s, a worker thread ~0.5 s). So the source is
// bundled (esbuild) into node_modules/.cache/biopsy-quant/cli-<hash of every source file>/, once
// per version of the source, and every later start imports that (`compare --help` 0.30 s). Each command stays a
// chunk of its own, loaded when named. A module's import.meta.url is its source file's, so files
// found next to the source (migrations, web pages, models, worker entries) are found as before.
// Anything that fails here (no esbuild, no writable cache, a source that does not build) falls
// back to tsx, which then reports the source's own errors.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCES = ['src', 'workers'];
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'biopsy-quant');
/**
 * Bundles of other sources are removed when unused for this long, the KEEP most recently used
 * apart: a long-running process (a `serve` started before the source changed) still loads chunks
 * of its own bundle when a command or the model is first asked for.
 */
const STALE_MS = 7 * 24 * 3600 * 1000;
const KEEP = 8;

function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  for (const s of SOURCES) walk(path.join(ROOT, s));
  return files.sort();
}

/** The bundle's folder for this exact source, bundler and Node. */
export function bundleDir(esbuildVersion) {
  const h = createHash('sha256').update(`${esbuildVersion} ${process.version}\n`);
  for (const f of sourceFiles()) h.update(`${path.relative(ROOT, f)}\n`).update(readFileSync(f));
  return path.join(CACHE, `cli-${h.digest('hex').slice(0, 16)}`);
}

async function build(esbuild, dir) {
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await esbuild.build({
    // the CLI, and the code an embedded-mode worker thread runs (src/pipeline/tile-worker-entry.mjs)
    entryPoints: { cli: path.join(ROOT, 'src/cli/main.ts'), 'tile-worker': path.join(ROOT, 'src/pipeline/tile-worker.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
    plugins: [
      {
        name: 'source-import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.(ts|mts)$/ }, (a) => ({
            contents: readFileSync(a.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href)),
            loader: 'ts',
          }));
        },
      },
    ],
  });
  try {
    renameSync(tmp, dir);
  } catch (err) {
    // another process built the same source first
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir)) throw err;
  }
  const others = readdirSync(CACHE)
    .map((e) => path.join(CACHE, e))
    .filter((p) => p !== dir)
    .map((p) => ({ p, used: statSync(p).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const { p, used } of others.slice(KEEP)) if (Date.now() - used > STALE_MS) rmSync(p, { recursive: true, force: true });
}

/**
 * The URL of a bundled entry ('cli' or 'tile-worker'), building the bundle first when this
 * source has none; null when that cannot be done.
 */
export async function cliBundle(name = 'cli') {
  if (process.env.BIOPSY_QUANT_NO_BUNDLE) return null;
  try {
    const require = createRequire(import.meta.url);
    const esbuild = require('esbuild');
    const dir = bundleDir(esbuild.version);
    const entry = path.join(dir, `${name}.mjs`);
    if (!existsSync(entry)) {
      mkdirSync(CACHE, { recursive: true });
      await build(esbuild, dir);
    } else {
      // last used now (the clean-up keeps what is in use); a read-only cache is still used
      try {
        const now = new Date();
        utimesSync(dir, now, now);
      } catch {}
    }
    return pathToFileURL(entry).href;
  } catch {
    return null;
  }
}
