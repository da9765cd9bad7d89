import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paramsForMarker } from '../../src/domain/marker.js';
import { paramsHash } from '../../src/domain/params.js';
import { gradeOf } from '../../src/score/grade.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import { makeMuscleScene, writeMuscleSlide } from '../../src/synthetic/muscle/index.js';
import { dicomPyramid, writeDicomWsi } from '../../src/synthetic/formats/dicom-wsi-writer.js';
import { sceneSource } from '../../src/synthetic/render.js';
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
  // lymphocytes with a membrane ring: their cytoplasm-rim and whole-cell DAB means grade differently
  await writeMuscleSlide(makeMuscleScene({ seed: 75, width: 1024, height: 960, marker: 'infiltrate', sectionMarginUm: 40, clusters: 2 }), path.join(dir, 'infiltrate.tif'), 'pyramidal-tiff');
  await writeFile(path.join(dir, 'junk.tif'), Buffer.from('this is not a slide at all, just text'));
  // a DICOM WSI series: a folder is one slide
  const cells = makeScene({ seed: 42, width: 768, height: 768 });
  await writeDicomWsi(path.join(dir, 'series'), await dicomPyramid(sceneSource(cells).region(0, 0, 768, 768), 256), { mpp: cells.mpp });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('biopsy-quant analyze', () => {
  it('prints JSON scores for good slides (a file and a DICOM folder) and a readable error for a bad one, exit code 1', async () => {
    const r = await cli(['analyze', path.join(dir, 'good.tif'), path.join(dir, 'junk.tif'), path.join(dir, 'series'), '--no-store', '--json', '--threads', '1']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Array<{ ok: boolean; scores?: { cells: number; hScore: number }; error?: string; provenance?: { paramsHash: string; format?: string } }>;
    expect(out).toHaveLength(3);
    expect([out[2].ok, out[2].provenance?.format]).toEqual([true, 'dicom']);
    expect(out[2].scores!.cells).toBeGreaterThan(20);
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

  /** Runs analyze into its own store and returns the stored row and its cells. */
  async function analyzeStored(name: string, flags: string[]) {
    const dataDir = path.join(dir, name);
    const r = await cli(['analyze', path.join(dir, 'infiltrate.tif'), '--threads', '1', '--json', ...flags], { DATA_DIR: dataDir, DATABASE_URL: '' });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Array<{ provenance: { paramsHash: string } }>;
    const store = await openPgliteStore({ dataDir });
    try {
      const [row] = await store.listScores({});
      const cells = (await store.getTileResults(row.analysisId)).flatMap((t) => t.detections);
      return { printedHash: out[0].provenance.paramsHash, row, cells };
    } finally {
      await store.close();
    }
  }

  it('grades a CD3 slide on the cytoplasm (a lymphocyte 1 µm rim) by the registry, stores that, and --compartment cell still wins', async () => {
    const cd3 = await analyzeStored('data-cd3', ['--marker', 'CD3']);
    expect(cd3.row.params.compartment).toBe('cytoplasm');
    expect(cd3.row.params.cellExpansionUm).toBe(1);
    expect(cd3.row.paramsHash).toBe(paramsHash(paramsForMarker('CD3')));
    expect(cd3.printedHash).toBe(cd3.row.paramsHash);
    expect(cd3.cells.length).toBeGreaterThan(50);
    const t = cd3.row.params.gradeThresholds;
    for (const c of cd3.cells) expect(c.grade).toBe(gradeOf(c.dabCytoplasm, t));
    // the cytoplasm and whole-cell means grade differently on this slide, so the check above bites
    expect(cd3.cells.some((c) => gradeOf(c.dabCell, t) !== c.grade)).toBe(true);

    const cell = await analyzeStored('data-cd3-cell', ['--marker', 'CD3', '--compartment', 'cell']);
    expect(cell.row.params.compartment).toBe('cell');
    expect(cell.row.paramsHash).toBe(paramsHash(paramsForMarker('CD3', { compartment: 'cell' })));
    expect(cell.row.paramsHash).not.toBe(cd3.row.paramsHash);
    for (const c of cell.cells) expect(c.grade).toBe(gradeOf(c.dabCell, t));
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
