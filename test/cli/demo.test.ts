import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MuscleGroundTruth } from '../../src/synthetic/muscle/index.js';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(repo, 'bin/biopsy-quant.js');
const SLIDES = path.join(repo, 'slides');
let dir: string;

async function cli(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const truthOf = async (file: string) => MuscleGroundTruth.parse(JSON.parse(await readFile(path.join(SLIDES, `${file}.truth.json`), 'utf8')));
/** the table row of a slide (its first line, where "truth / found" pairs start) */
const rowOf = (out: string, file: string): string => out.split('\n').find((l) => l.includes(`│ ${file} `) && l.includes(' / '))!;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-demo-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('biopsy-quant demo (shipped slides, no cohort)', () => {
  it('compares every shipped muscle section with its truth, all figures within their bars, exit code 0', async () => {
    const r = await cli(['demo', '--no-cohort', '--no-store', '--threads', '2']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = r.stdout.slice(r.stdout.indexOf('Against the planted ground truth'));
    expect(out).not.toContain('✗');
    expect(out).not.toContain('OFF');
    for (const h of ['tissue mm²', 'nuclei', 'fibres', 'CD163+', 'endo/peri/vasc', 'located', '% DAB', 'pixel', 'IL-1']) expect(out).toContain(h);

    // CD163+ density: the truth printed is the shipped truth, the found one within 10% of it
    for (const file of ['P01-baseline-CD163.tif', 'P01-month6-CD163.svs']) {
      const t = (await truthOf(file)).scores.cd163PerMm2;
      const m = new RegExp(`${t.toFixed(1).replace('.', '\\.')} / ([0-9.]+)`).exec(rowOf(out, file));
      expect(m, file).not.toBeNull();
      expect(Math.abs(Number(m![1]) - t) / t, file).toBeLessThanOrEqual(0.1);
    }
    // the infiltrate recedes in what the analysis found, not only in the truth
    const found = (file: string, t: number) => Number(new RegExp(`${t.toFixed(1).replace('.', '\\.')} / ([0-9.]+)`).exec(rowOf(out, file))![1]);
    const base = found('P01-baseline-CD163.tif', (await truthOf('P01-baseline-CD163.tif')).scores.cd163PerMm2);
    const m6 = found('P01-month6-CD163.svs', (await truthOf('P01-month6-CD163.svs')).scores.cd163PerMm2);
    expect(base).toBeGreaterThan(3 * m6);
    // IL-1Ra: not expressed at baseline, expressed at month 6, called so
    expect(rowOf(out, 'P02-baseline-IL1Ra.png')).toContain('no / no');
    expect(rowOf(out, 'P02-month6-IL1Ra.jpg')).toContain('yes / yes');
    const t = await truthOf('P02-month6-IL1Ra.jpg');
    expect(rowOf(out, 'P02-month6-IL1Ra.jpg')).toContain(`${t.scores.tissueAreaMm2.toFixed(3)} / `);
  }, 240_000);

  it('a slide compared with the wrong truth fails loudly: OFF lines and exit code 1', async () => {
    // the month-6 IL-1Ra photograph (expressed) against the baseline section's truth (not expressed)
    const manifest = path.join(dir, 'manifest.json');
    await writeFile(
      manifest,
      JSON.stringify({ slides: [{ file: path.join(SLIDES, 'P02-month6-IL1Ra.jpg'), patient: 'P02', timepoint: 'month-6', marker: 'IL-1Ra', mpp: 0.5, truth: path.join(SLIDES, 'P02-baseline-IL1Ra.png.truth.json') }] }),
    );
    const r = await cli(['demo', '--manifest', manifest, '--no-cohort', '--no-store', '--threads', '2']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('OFF P02-month6-IL1Ra.jpg: IL-1 expressed yes (truth no), bar same call');
    expect(r.stdout).toMatch(/OFF P02-month6-IL1Ra\.jpg: tissue mm² 0\.4\d\d \(truth 0\.200\), bar ±5%/);
    expect(r.stdout).toContain('✗');
  }, 120_000);
});
