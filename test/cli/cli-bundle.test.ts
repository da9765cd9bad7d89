import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain-JS module, no declarations
import { bundleDir } from '../../src/runtime/source-bundle.mjs';

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(REPO, 'bin/biopsy-quant.js');
const cli = async (args: string[], env: Record<string, string> = {}) => run(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, ...env } });

describe('the CLI starts from a bundle of the current source (src/runtime/source-bundle.mjs)', () => {
  it('bundles this exact source, one chunk per command, and says what the tsx start says', async () => {
    const bundled = await cli(['--help']);
    const dir: string = bundleDir(createRequire(import.meta.url)('esbuild').version);
    // the folder is named for a hash of every source file: this source's exists after a start
    expect(existsSync(path.join(dir, 'cli.mjs'))).toBe(true);
    // what embedded-mode worker threads load (src/pipeline/tile-worker-entry.mjs)
    expect(existsSync(path.join(dir, 'tile-worker.mjs'))).toBe(true);
    const chunks = readdirSync(dir);
    for (const c of ['analyze-command', 'serve-command', 'compare-command']) expect(chunks.some((f) => f.startsWith(`${c}-`)), c).toBe(true);
    const tsx = await cli(['--help'], { BIOPSY_QUANT_NO_BUNDLE: '1' });
    expect(bundled.stdout).toBe(tsx.stdout);
    expect(bundled.stdout).toContain('Usage: biopsy-quant');
    for (const c of ['analyze', 'serve', 'compare', 'review', 'train']) expect(bundled.stdout).toContain(c);
  }, 60_000);

  it('finds the files beside the source from the bundle: the store migrations and the shipped model', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-cli-bundle-'));
    try {
      // a fresh embedded store is migrated from src/store/migrations/, found through its import.meta.url
      const args = ['compare', '--marker', 'CD163', '--score', 'density', '--timepoint', 'baseline', '--groups', '--json'];
      const [b, t] = await Promise.all([cli(args, { DATA_DIR: path.join(dir, 'b'), DATABASE_URL: '' }), cli(args, { DATA_DIR: path.join(dir, 't'), DATABASE_URL: '', BIOPSY_QUANT_NO_BUNDLE: '1' })]);
      expect(b.stdout).toBe(t.stdout);
      expect(JSON.parse(b.stdout)[0].method).toMatch(/not computed/);
      // the shipped model (models/, beside src/) loaded by the tile worker threads, bundled or
      // through tsx (BIOPSY_QUANT_NO_BUNDLE reaches the threads: they share the environment)
      const slide = path.join(dir, 'cells.tif');
      await cli(['synth', slide, '--seed', '3', '--width', '512', '--height', '512']);
      const analyse = ['analyze', slide, '--detector', 'model', '--no-store', '--json', '--threads', '1'];
      const [bm, tm] = await Promise.all([cli(analyse), cli(analyse, { BIOPSY_QUANT_NO_BUNDLE: '1' })]);
      const cells = (out: string) => (JSON.parse(out) as { ok: boolean; scores: { cells: number }; provenance: { modelId: string } }[]).map((o) => [o.ok, o.scores.cells, o.provenance.modelId]);
      expect(cells(bm.stdout)).toEqual(cells(tm.stdout));
      expect(cells(bm.stdout)[0][1]).toBeGreaterThan(30);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
