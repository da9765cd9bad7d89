import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getIssues } from '@placemarkio/check-geojson';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import type { ComparisonRow } from '../../src/cohort/compare-schemas.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import { cohortInput, seedAnalysis, seedCohort } from '../api/seed-cohort.js';

let dir: string;
let dataDir: string;

const cli = (args: string[]) => runCli(args, { cwd: dir, dataDir });

/** the store as the CLI left it (a file-backed PGlite is open in one process at a time) */
async function withStore<T>(fn: (store: Awaited<ReturnType<typeof openPgliteStore>>) => Promise<T>): Promise<T> {
  const store = await openPgliteStore({ dataDir });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const c = cohortInput();
const csv = (header: string[], rows: unknown[][]) => [header.join(','), ...rows.map((r) => r.map((v) => v ?? '').join(','))].join('\n') + '\n';
const MEASURES = ['physicianGlobal', 'patientGlobal', 'mmt8', 'haq', 'extramuscular', 'ck', 'fi2'] as const;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-cli-cohort-'));
  dataDir = path.join(dir, 'data');
  await writeFile(path.join(dir, 'patients.csv'), csv(['pseudonym', 'diagnosis'], c.patients.map((p) => [p.pseudonym, p.diagnosis])));
  await writeFile(path.join(dir, 'biopsies.csv'), csv(['patient', 'timepoint', 'date', 'muscle'], c.biopsies!.map((b) => [b.patient, b.timepoint, b.date, b.muscle])));
  await writeFile(path.join(dir, 'slides.json'), JSON.stringify(c.slides));
  await writeFile(path.join(dir, 'visits.csv'), csv(['patient', 'timepoint', 'date', ...MEASURES], c.visits!.map((v) => [v.patient, v.timepoint, v.date, ...MEASURES.map((m) => v[m])])));
  // row 5 (P02's month-6 visit; the header is row 1): MMT-8 of 95 is outside 0–80; everything else is valid
  const bad = (await readFile(path.join(dir, 'visits.csv'), 'utf8')).split('\n');
  expect(bad[4]).toMatch(/^P02,month-6,.*,75,/);
  bad[4] = bad[4].replace(',75,', ',95,');
  await writeFile(path.join(dir, 'visits-bad.csv'), bad.join('\n'));
}, 30_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('biopsy-quant import', () => {
  it('refuses a malformed CSV naming row and field, exits 1 and stores nothing', async () => {
    const r = await cli(['import', 'patients.csv', 'biopsies.csv', 'slides.json', 'visits-bad.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cohort not imported, 1 problem (nothing was stored)');
    expect(r.stderr).toContain('visits-bad.csv row 5, field mmt8:');
    expect(r.stderr).toMatch(/0–80/);
    expect(await withStore((s) => s.getCohort())).toStrictEqual({ patients: [], biopsies: [], slides: [], visits: [] });
  }, 30_000);

  it('imports CSV and JSON files told apart by name; the store holds exactly the cohort', async () => {
    const r = await cli(['import', 'visits.csv', 'slides.json', 'patients.csv', 'biopsies.csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('imported 6 patients, 12 biopsies, 24 slides, 12 visits\n');
    expect((await cli(['import', 'patients.csv', 'biopsies.csv'])).stdout).toBe(
      'imported 6 patients, 12 biopsies, 0 slides, 0 visits; replaced the earlier records of P01, P02, P03, P04, P05, P06\n',
    );
    expect((await cli(['import', 'visits.csv', 'slides.json', 'patients.csv', 'biopsies.csv'])).code).toBe(0);
    const stored = await withStore((s) => s.getCohort());
    expect(stored.patients.map((p) => p.pseudonym)).toEqual(['P01', 'P02', 'P03', 'P04', 'P05', 'P06']);
    expect(stored.visits).toContainEqual(c.visits!.find((v) => v.patient === 'P03' && v.timepoint === 'month-6'));
    expect(stored.slides).toHaveLength(24);
  }, 30_000);

  it('a malformed file after a good import leaves the stored cohort as it was', async () => {
    const before = await withStore((s) => s.getCohort());
    const r = await cli(['import', 'patients.csv', 'visits-bad.csv']);
    expect(r.code).toBe(1);
    expect(await withStore((s) => s.getCohort())).toStrictEqual(before);
  }, 30_000);

  it('a slide whose biopsy is in no file given is refused by the store: exit 1, nothing stored', async () => {
    const before = await withStore((s) => s.getCohort());
    const r = await cli(['import', 'patients.csv', 'slides.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^importCohort: nothing imported, 24 problems: slide CD163 of P01 at baseline: no biopsy of P01 at baseline in this import/);
    expect(await withStore((s) => s.getCohort())).toStrictEqual(before);
  }, 30_000);

  it('refuses a file whose table it cannot tell, and a missing patients file', async () => {
    await writeFile(path.join(dir, 'notes.csv'), 'a,b\n');
    expect((await cli(['import', 'patients.csv', 'notes.csv'])).stderr).toMatch(/notes\.csv: cannot tell which table this is/);
    expect((await cli(['import', 'visits.csv'])).stderr).toMatch(/a patients file .* is required/);
  }, 30_000);
});

describe('biopsy-quant compare and export', () => {
  let geo: { analysisId: number; cells: number; fibres: number };
  beforeAll(async () => {
    geo = await withStore(async (s) => {
      await seedCohort(s);
      const a = await seedAnalysis(s, { name: 'geo-mhc1', patient: 'P01', timepoint: 'month-12', marker: 'MHC-I', density: 0, pctPositiveArea: 0, cells: 7, fibres: 4 });
      return { analysisId: a.analysisId, cells: a.detections.length, fibres: a.fibres };
    });
  }, 60_000);

  const json = async (args: string[]) => {
    const r = await cli([...args, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as ComparisonRow[];
  };

  it('paired: Wilcoxon signed-rank V = 7, exact p = 36/64; by responder one row per group', async () => {
    const [all] = await json(['compare', '--marker', 'CD163', '--score', 'density', '--from', 'baseline', '--to', 'month-6']);
    expect([all.test, all.n, all.statistic]).toEqual(['wilcoxon-signed-rank', 6, 7]);
    expect(all.p).toBeCloseTo(0.5625, 12);
    expect(all.q).toBeCloseTo(0.5625, 12);
    expect(all.groups.map((g) => [g.label, g.median])).toEqual([['baseline', 105], ['month-6', 101.5]]);
    const by = await json(['compare', '--marker', 'CD163', '--score', 'density', '--from', 'baseline', '--to', 'month-6', '--by', 'responder']);
    // responders: d = −40, −50, +6 → V = 1, p = 2·P(V ≤ 1) = 2·2/8 = 0.5;
    // non-responders: d = −10, +7, +20 → ranks 2, 1, 3, V = 4, p = 2·P(V ≥ 4) = 2·3/8 = 0.75
    expect(by.map((r) => [r.comparison, r.n, r.statistic, Number(r.p!.toFixed(12))])).toEqual([
      ['baseline → month-6, responders', 3, 1, 0.5],
      ['baseline → month-6, non-responders', 3, 4, 0.75],
    ]);
  }, 30_000);

  it('groups: Mann–Whitney W = 0, exact p = 2/20; the table names groups, medians and IQR', async () => {
    const [g] = await json(['compare', '--marker', 'CD163', '--score', 'density', '--timepoint', 'baseline', '--groups']);
    expect([g.test, g.n, g.statistic, g.effectSize]).toEqual(['mann-whitney', 6, 0, -1]);
    expect(g.p).toBeCloseTo(0.1, 12);
    const r = await cli(['compare', '--marker', 'CD163', '--score', 'density', '--timepoint', 'baseline', '--groups']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('responders: n=3 90 [85, 95]');
    expect(r.stdout).toContain('non-responders: n=3 120 [115, 135]');
    expect(r.stdout).toMatch(/│ 0\.1\s+│ 0\.1\s+│ mann-whitney: Mann–Whitney U, exact/);
  }, 30_000);

  it('correlation: Spearman ρ = 0.942857, exact p = 12/720, with the value and with its change', async () => {
    const [v] = await json(['compare', '--marker', 'IL-1a', '--score', 'pctPositiveArea', '--timepoint', 'baseline', '--outcome', 'fi2', '--at', 'month-6']);
    const [d] = await json(['compare', '--marker', 'il1a', '--score', 'pctPositiveArea', '--timepoint', 'baseline', '--outcome', 'fi2', '--at', 'month-6', '--change-from', 'baseline']);
    for (const row of [v, d]) {
      expect([row.test, row.n]).toEqual(['spearman', 6]);
      expect(row.effectSize).toBeCloseTo(1 - (6 * 2) / (6 * 35), 12);
      expect(row.p).toBeCloseTo(12 / 720, 12);
    }
    expect(d.groups[1].median).toBe(25); // changes 0, 10, 30, 20, 40, 50
  }, 30_000);

  it('fisher: IL-1Ra expressed in 3/3 responders vs 0/3 non-responders, p = 2/20', async () => {
    const [f] = await json(['compare', '--marker', 'IL-1Ra', '--score', 'expressed', '--timepoint', 'month-6', '--fisher']);
    expect(f.groups.map((g) => [g.label, g.n, g.events])).toEqual([['responders', 3, 3], ['non-responders', 3, 0]]);
    expect(f.p).toBeCloseTo(0.1, 12);
  }, 30_000);

  it('table: every marker × score with pairs, BH q over the rows with a p', async () => {
    const rows = await json(['compare', '--table']);
    // only CD163 was biopsied at both timepoints; the MHC-I slide is at month-12
    expect(new Set(rows.map((r) => r.marker))).toEqual(new Set(['CD163']));
    const density = rows.find((r) => r.score === 'density')!;
    const positive = rows.find((r) => r.score === 'positiveCellsPerMm2')!;
    // the two tested rows carry the same p = 0.5625, so BH gives q = p for both
    expect(rows.filter((r) => r.p !== null)).toHaveLength(2);
    expect([density.q, positive.q].map((q) => Number(q!.toFixed(12)))).toEqual([0.5625, 0.5625]);
    const fisherTable = await json(['compare', '--table', '--fisher', '--timepoint', 'month-6']);
    expect(fisherTable.map((r) => [r.marker, r.score])).toContainEqual(['IL-1Ra', 'expressed']);
  }, 30_000);

  it('refuses bad options naming them, exit code 2', async () => {
    const r = await cli(['compare', '--marker', 'CD999', '--score', 'density', '--groups', '--timepoint', 'month-9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--marker: unknown marker 'CD999'");
    expect(r.stderr).toMatch(/--timepoint: Invalid option: expected one of "baseline"\|"month-6"\|"month-12"/);
    expect((await cli(['compare', '--marker', 'CD163', '--score', 'density', '--groups', '--fisher'])).stderr).toMatch(/--groups and --fisher ask for different tests/);
    expect((await cli(['compare', '--marker', 'CD163', '--score', 'density', '--groups', '--at', 'month-6'])).stderr).toContain('compare: --at does not apply to this comparison');
  }, 30_000);

  it('export csv and json: one row per biopsy and marker with responder status', async () => {
    const r = await cli(['export', '--format', 'csv']);
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(25); // 24 cohort slides + the MHC-I one
    const p04 = rows.find((x) => x.patient === 'P04' && x.marker === 'CD163' && x.timepoint === 'month-6')!;
    expect([p04.density_per_mm2, p04.responder, p04.slide]).toEqual(['140', 'false', '/slides/P04-m6-cd163.tif']);
    const out = path.join(dir, 'scores.json');
    const j = await cli(['export', '--format', 'json', '--out', out]);
    expect(j.stderr).toBe(`wrote 25 score rows to ${out}\n`);
    const data = JSON.parse(await readFile(out, 'utf8')) as { patient: string; marker: string; timepoint: string; scores: Record<string, number>; responder: boolean }[];
    expect(data.find((x) => x.patient === 'P02' && x.marker === 'IL-1Ra')).toMatchObject({ timepoint: 'month-6', responder: true, scores: { expressed: 1 } });
  }, 30_000);

  it('export geojson: a valid FeatureCollection with one feature per detection and per fibre', async () => {
    const out = path.join(dir, 'a.geojson');
    const r = await cli(['export', '--format', 'geojson', '--analysis', String(geo.analysisId), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`wrote 7 cells and 4 fibres of analysis ${geo.analysisId} to ${out}\n`);
    const text = await readFile(out, 'utf8');
    expect(getIssues(text)).toEqual([]);
    const doc = JSON.parse(text) as { features: { properties: { objectType: string } }[] };
    expect(doc.features.map((f) => f.properties.objectType)).toEqual([...Array(7).fill('cell'), ...Array(4).fill('detection')]);
    const missing = await cli(['export', '--format', 'geojson', '--analysis', '99999']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('analysis 99999 not found');
  }, 30_000);
});
