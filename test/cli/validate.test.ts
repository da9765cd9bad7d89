import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointReadsFromFiles, slideOfFile } from '../../src/cli/manual-command.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import { seedAnalysis } from '../api/seed-cohort.js';
import { runCli } from './run-cli.js';

let dir: string;
let dataDir: string;
const cli = (args: string[]) => runCli(args, { cwd: dir, dataDir });

const PATIENTS = ['P01', 'P02', 'P03', 'P04', 'P05', 'P06'];
const TOOL = [100, 150, 220, 260, 340, 420];
// dr.a counts 20 % more than the tool, dr.b 10 % fewer, each with its own scatter
const DR_A = [118, 185, 260, 318, 404, 510];
const DR_B = [92, 133, 205, 228, 310, 380];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-cli-validate-'));
  dataDir = path.join(dir, 'data');
  const store = await openPgliteStore({ dataDir });
  try {
    for (const [i, patient] of PATIENTS.entries()) {
      await seedAnalysis(store, { name: `${patient}-cd163`, patient, timepoint: 'baseline', marker: 'CD163', density: TOOL[i], pctPositiveArea: 2 });
    }
  } finally {
    await store.close();
  }
  const rows = PATIENTS.flatMap((p, i) => [`${p},baseline,CD163,dr.a,2025-05-01,density,${DR_A[i]}`, `${p},baseline,CD163,dr.b,2025-05-02,density,${DR_B[i]}`]);
  await writeFile(path.join(dir, 'reads.csv'), ['patient,timepoint,marker,rater,date,score,value', ...rows].join('\n'));
  await writeFile(path.join(dir, 'bad.csv'), 'patient,timepoint,marker,rater,date,score,value\nP07,baseline,CD163,dr.c,2025-05-03,density,lots\n');
  const points = (n: number, cls: string) => ({ type: 'Feature', geometry: { type: 'MultiPoint', coordinates: Array.from({ length: n }, (_, i) => [i, i]) }, properties: { objectType: 'annotation', classification: { name: cls } } });
  await writeFile(path.join(dir, 'P01_baseline_CD163.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [points(40, 'Positive'), points(25, 'Negative')] }));
  await writeFile(path.join(dir, 'P09_M6_CD163.geojson'), JSON.stringify([points(3, 'Positive')]));
  await writeFile(path.join(dir, 'scan-7.geojson'), JSON.stringify([points(3, 'Positive')]));
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('biopsy-quant manual import and validate', () => {
  // in this process, before the CLI runs (a file-backed PGlite is open in one process at a time)
  it("makes QuPath point counts a density over the slide's analysed tissue area, naming each file it cannot use", async () => {
    const store = await openPgliteStore({ dataDir });
    try {
      const area = (await store.listScores({ patient: 'P01' }))[0].scores.tissueAreaMm2;
      const ok = await pointReadsFromFiles(store, [path.join(dir, 'P01_baseline_CD163.geojson')], { rater: 'dr.c', date: '2025-05-03', score: 'density', class: 'positive' });
      expect(ok.issues).toEqual([]);
      expect(ok.reads).toMatchObject([{ patient: 'P01', timepoint: 'baseline', marker: 'CD163', rater: 'dr.c', score: 'density' }]);
      expect(ok.reads[0].value).toBeCloseTo(40 / area, 9);
      const count = await pointReadsFromFiles(store, [path.join(dir, 'P01_baseline_CD163.geojson')], { rater: 'dr.c', date: '2025-05-03', score: 'positiveCells' });
      expect(count.reads[0].value).toBe(65);
      // P09 has no analysis to take the area from; scan-7 names no slide
      const bad = await pointReadsFromFiles(store, [path.join(dir, 'P09_M6_CD163.geojson'), path.join(dir, 'scan-7.geojson')], { rater: 'dr.c', date: '2025-05-03', score: 'density' });
      expect(bad.reads).toEqual([]);
      expect(bad.issues.map((i) => [i.file, i.field])).toEqual([
        ['P09_M6_CD163.geojson', 'area'],
        ['scan-7.geojson', null],
      ]);
      expect(slideOfFile('P09_M6_CD163.geojson')).toEqual({ patient: 'P09', timepoint: 'month-6', marker: 'CD163' });
    } finally {
      await store.close();
    }
  });

  it('refuses the reads when one file has a bad row, naming file, row and field, and stores nothing', async () => {
    const r = await cli(['manual', 'import', 'reads.csv', 'bad.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('manual reads not imported, 1 problem (nothing was stored):');
    expect(r.stderr).toContain('bad.csv row 2, field value: expected a number ≥ 0 for density (1/mm²), got "lots"');
    const good = await cli(['manual', 'import', 'reads.csv']);
    expect(good.code).toBe(0);
    // had the refused run stored reads.csv, these would replace 12 earlier reads
    expect(good.stdout).toBe('imported 12 manual reads by dr.a, dr.b\n');
  });

  it('validates the tool against both raters: table, plots and report', async () => {
    const r = await cli(['validate', '--score', 'density', '--marker', 'cd163', '--out', 'out']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CD163 Density / mm² (density, 1/mm²): 6 slides, raters dr.a, dr.b');
    const lines = r.stdout.split('\n');
    const row = (pair: string) => lines.find((l) => l.includes(pair)) ?? '';
    // geometric mean ratios: tool/dr.a = 1/1.197…, tool/dr.b = 1/0.904…
    const gm = (a: number[], b: number[]) => Math.exp(a.reduce((s, v, i) => s + Math.log(v / b[i]), 0) / a.length);
    expect(row('tool vs dr.a')).toContain(`×${Number(gm(TOOL, DR_A).toPrecision(3))} `);
    expect(row('tool vs dr.b')).toContain(`×${Number(gm(TOOL, DR_B).toPrecision(3))} `);
    expect(row('dr.a vs dr.b')).toContain(`×${Number(gm(DR_A, DR_B).toPrecision(3))} `);
    expect(r.stdout).toMatch(/ICC tool \+ raters \(n = 6, k = 3\): ICC2 /);
    expect(r.stdout).toMatch(/tool inside the human spread: (yes|NO) \(span of the 95 % limits/);
    const files = (await readdir(path.join(dir, 'out'))).sort();
    expect(files).toHaveLength(7);
    expect(files).toContain('report.html');
    expect(files).toContain('density-CD163-tool-vs-dr.a-bland-altman.svg');
    const html = await readFile(path.join(dir, 'out', 'report.html'), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(6);
    expect(existsSync(path.join(dir, 'out', 'density-CD163-dr.a-vs-dr.b-identity.svg'))).toBe(true);
  });
});
