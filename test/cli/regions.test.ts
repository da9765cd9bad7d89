import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import { seedReviewAnalysis } from '../api/seed-review.js';

let dir: string;
let dataDir: string;
let analysisId: number;

const cli = (args: string[]) => runCli(args, { cwd: dir, dataDir });

// level-0 px (0.2525 µm/px) over the second 1024 px analysis tile (0.505 µm/px): its 6 cells
const ignoreSecondTile = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[2048, 0], [4200, 0], [4200, 2100], [2048, 2100], [2048, 0]]] }, properties: { objectType: 'annotation', classification: { name: 'Ignore*', color: [180, 180, 180] } } },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [5, 5] }, properties: { objectType: 'annotation', classification: { name: 'Region*' } } },
  ],
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-cli-regions-'));
  dataDir = path.join(dir, 'data');
  const store = await openPgliteStore({ dataDir });
  try {
    ({ analysisId } = await seedReviewAnalysis(store, 'cli-regions'));
  } finally {
    await store.close();
  }
  await writeFile(path.join(dir, 'ignore.geojson'), JSON.stringify(ignoreSecondTile));
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('biopsy-quant regions', () => {
  it('import saves the next version, prints the scores inside and names what it skipped', async () => {
    const r = await cli(['regions', 'import', String(analysisId), 'ignore.geojson']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ analysisId, version: 1, regions: 1 });
    expect(out.scores.cells).toBe(10);
    expect(r.stderr).toContain('ignore.geojson: feature 1 not imported: geometry Point is not a polygon');
    expect(r.stderr).toContain(`analysis ${analysisId}: region version 1 saved`);
  }, 60_000);

  it('export writes the version as QuPath annotations, and importing that file gives the same scores', async () => {
    const r = await cli(['regions', 'export', String(analysisId), 'out.geojson']);
    expect(r.code, r.stderr).toBe(0);
    const fc = JSON.parse(await readFile(path.join(dir, 'out.geojson'), 'utf8'));
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0].properties).toMatchObject({ objectType: 'annotation', classification: { name: 'Ignore*' } });
    const again = await cli(['regions', 'import', String(analysisId), 'out.geojson']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ version: 2, scores: { cells: 10 } });
    const v0 = await cli(['regions', 'export', String(analysisId), 'none.geojson', '--version', '9']);
    expect(v0.code).not.toBe(0);
    expect(v0.stderr).toContain(`analysis ${analysisId} has no region version 9`);
  }, 60_000);

  it('refuses a bad analysis id and an unreadable file with the problem named', async () => {
    const bad = await cli(['regions', 'import', 'abc', 'ignore.geojson']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('<analysis> must be an analysis id');
    const missing = await cli(['regions', 'import', String(analysisId), 'nope.geojson']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('nope.geojson: cannot read');
  }, 60_000);
});
