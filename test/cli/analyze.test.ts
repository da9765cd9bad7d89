import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';

const run = promisify(execFile);
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/biopsy-quant.js');
let dir: string;

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-cli-'));
  await writeSyntheticSlide(makeScene({ seed: 41, width: 800, height: 800 }), path.join(dir, 'good.tif'), 'pyramidal-tiff');
  await writeFile(path.join(dir, 'junk.tif'), Buffer.from('this is not a slide at all, just text'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('biopsy-quant analyze', () => {
  it('prints JSON scores for a good slide and a readable error for a bad one, exit code 1', async () => {
    const r = await cli(['analyze', path.join(dir, 'good.tif'), path.join(dir, 'junk.tif'), '--no-store', '--json', '--threads', '1']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Array<{ ok: boolean; scores?: { cells: number; hScore: number }; error?: string; provenance?: { paramsHash: string } }>;
    expect(out).toHaveLength(2);
    expect(out[0].ok).toBe(true);
    expect(out[0].scores!.cells).toBeGreaterThan(50);
    expect(out[0].provenance!.paramsHash).toMatch(/^[0-9a-f]{16}$/);
    expect(out[1].ok).toBe(false);
    expect(out[1].error).toContain(path.join(dir, 'junk.tif'));
    expect(out[1].error).toMatch(/not a supported slide format/);
  });

  it('prints a table and stores results in the embedded store under DATA_DIR', async () => {
    const r = await cli(['analyze', path.join(dir, 'good.tif'), '--marker', 'CD163', '--threads', '1'], { DATA_DIR: path.join(dir, 'data') });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/good\.tif/);
    expect(r.stdout).toMatch(/H-score/);
    expect(existsSync(path.join(dir, 'data', 'pglite'))).toBe(true);
  });

  it('refuses bad options with a message naming them', async () => {
    const r = await cli(['analyze', path.join(dir, 'good.tif'), '--tile-size', 'big', '--no-store']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--tile-size must be a number/);
    const r2 = await cli(['analyze', path.join(dir, 'good.tif'), '--mpp', '-1', '--no-store']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/mpp/);
  });
});
