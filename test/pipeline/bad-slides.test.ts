import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSlides } from '../../src/cli/run-slides.js';
import { threadPoolExecutor, type TileExecutor } from '../../src/pipeline/executor.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import type { Store } from '../../src/store/store.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';
import { pngDeclaring } from '../fixtures/png-header.js';
import { tiffWithChain } from '../../src/synthetic/hostile-tiff.js';
import { dicomPyramid, writeDicomWsi } from '../../src/synthetic/formats/dicom-wsi-writer.js';
import { writeScannerSlide } from '../../src/synthetic/formats/index.js';
import { sceneSource } from '../../src/synthetic/render.js';

let dir: string;
let store: Store;
let executor: TileExecutor;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-bad-batch-'));
  const f = (name: string) => path.join(dir, name);
  await writeSyntheticSlide(makeScene({ seed: 31, width: 900, height: 900 }), f('good-a.tif'), 'pyramidal-tiff');
  await writeSyntheticSlide(makeScene({ seed: 32, width: 900, height: 900 }), f('good-b.png'), 'png');
  // a JPEG carries no pixel size: analysed with metadata, refused without
  await writeSyntheticSlide(makeScene({ seed: 33, width: 700, height: 700 }), f('no-mpp.jpg'), 'jpeg');
  const whole = await readFile(f('good-a.tif'));
  await writeFile(f('truncated.tif'), whole.subarray(0, Math.floor(whole.length * 0.6)));
  const random = Buffer.alloc(4096);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
  await writeFile(f('random.tif'), random);
  await writeFile(f('absurd.png'), pngDeclaring(2_000_000, 2_000_000));
  // a 2 kB TIFF whose image directory points back at itself: geotiff followed it until the heap ran out
  await writeFile(f('ifd-loop.tif'), tiffWithChain(1, (_k, o) => o[0]));
  // scanner formats (issue 11): a good NDPI, the same cut short, an MRXS whose folder lost a data file, a CZI
  const cells = makeScene({ seed: 34, width: 1024, height: 768 });
  const pixels = sceneSource(cells).region(0, 0, 1024, 768);
  await writeScannerSlide('ndpi', f('good-c.ndpi'), [pixels], { mpp: cells.mpp, quality: 95 });
  const ndpi = await readFile(f('good-c.ndpi'));
  // cut inside the macro page: level 0's directory survives, the last one is gone
  await writeFile(f('truncated.ndpi'), ndpi.subarray(0, ndpi.length - 200));
  await writeScannerSlide('mrxs', f('lost.mrxs'), [pixels], { mpp: cells.mpp });
  await rm(f('lost/Data0000.dat'));
  await writeFile(f('scan.czi'), Buffer.concat([Buffer.from('ZISRAWFILE'), Buffer.alloc(512)]));
  // DICOM WSI series (folders): a good one, one whose levels state more frames than they hold, one whose level 1 states a wrong pixel spacing
  const pyramid = await dicomPyramid(pixels, 256);
  await writeDicomWsi(f('good-dicom'), pyramid, { mpp: cells.mpp });
  await writeDicomWsi(f('frames-missing'), pyramid, { mpp: cells.mpp }, { extraFrames: 2 });
  await writeDicomWsi(f('bad-spacing'), pyramid, { mpp: cells.mpp }, { levelMpp: (k, mpp) => (k === 1 ? mpp * 1.5 : mpp) });
  store = await openPgliteStore({ inMemory: true });
  executor = threadPoolExecutor({ threads: 2 });
});

afterAll(async () => {
  await executor?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a batch with bad slides', () => {
  it('fails each bad slide alone with a readable message and finishes the good ones', async () => {
    const f = (name: string) => path.join(dir, name);
    const requests = [
      { path: f('good-a.tif'), metadata: { patient: 'P01', marker: 'CD163' } },
      { path: f('truncated.tif'), metadata: { patient: 'P02' } },
      { path: f('random.tif'), metadata: {} },
      { path: f('absurd.png'), metadata: {} },
      { path: f('no-mpp.jpg'), metadata: {} },
      { path: f('no-mpp.jpg'), metadata: { mpp: 0.5 } },
      { path: f('good-b.png'), metadata: { patient: 'P03' } },
      { path: f('ifd-loop.tif'), metadata: { mpp: 0.5 } },
    ];
    const outcomes = await runSlides(requests, { params: {}, executor, store, progress: false });
    const byIndex = outcomes.map((o) => (o.ok ? 'ok' : o.error));

    expect(outcomes[0].ok).toBe(true);
    expect(outcomes[5].ok).toBe(true);
    expect(outcomes[6].ok).toBe(true);
    expect(byIndex[1]).toContain(f('truncated.tif'));
    expect(byIndex[1]).toMatch(/truncated|corrupt/);
    expect(byIndex[2]).toContain(f('random.tif'));
    expect(byIndex[2]).toMatch(/not a supported slide format/);
    expect(byIndex[3]).toBe(
      `${f('absurd.png')}: PNG declares 2000000 × 2000000 pixels (4.00e+3 gigapixels), over the limit of 200 megapixels for a non-tiled image; convert it to a tiled pyramidal TIFF`,
    );
    expect(byIndex[4]).toContain(f('no-mpp.jpg'));
    expect(byIndex[4]).toMatch(/pixel size|µm\/px/);
    expect(byIndex[7]).toBe(`${f('ifd-loop.tif')}: the TIFF's image directories loop (directory 1 points back to offset 8, directory 0's); the file is corrupt`);

    for (const i of [0, 5, 6]) {
      const o = outcomes[i];
      if (!o.ok) throw new Error(o.error);
      expect(o.scores.cells).toBeGreaterThan(50);
      expect(o.scores.tissueAreaMm2).toBeGreaterThan(0.05);
    }

    // the store holds the three good analyses with scores and every failure with its message;
    // no-mpp.jpg failed first, then succeeded with metadata, and the success supersedes the failure
    const counts = await store.counts();
    expect(counts.scores).toBe(3);
    const failures = await store.listFailures();
    const failedPaths = failures.map((x) => x.path).sort();
    expect(failedPaths).toEqual([f('absurd.png'), f('ifd-loop.tif'), f('random.tif'), f('truncated.tif')].sort());
    for (const x of failures) expect(x.error).toContain(x.path);
  });

  it('re-running the same slide with the same parameters stores nothing twice', async () => {
    const before = await store.counts();
    const again = await runSlides([{ path: path.join(dir, 'good-a.tif'), metadata: { patient: 'P01', marker: 'CD163' } }], {
      params: {},
      executor,
      store,
      progress: false,
    });
    expect(again[0].ok).toBe(true);
    const after = await store.counts();
    expect(after.analyses).toBe(before.analyses);
    expect(after.tileResults).toBe(before.tileResults);
    expect(after.detections).toBe(before.detections);
    expect(after.scores).toBe(before.scores);
    const rows = await store.listScores({ patient: 'P01' });
    expect(rows).toHaveLength(1);
  });

  it('scanner files: a truncated NDPI, an MRXS missing a data file, a CZI and DICOM series with missing frames or inconsistent spacing fail alone; the good NDPI and DICOM series finish on worker threads', async () => {
    const f = (name: string) => path.join(dir, name);
    const outcomes = await runSlides(
      [f('truncated.ndpi'), f('good-c.ndpi'), f('lost.mrxs'), f('scan.czi'), f('frames-missing'), f('good-dicom'), f('bad-spacing')].map((p) => ({ path: p, metadata: {} })),
      { params: {}, executor, progress: false },
    );
    const byIndex = outcomes.map((o) => (o.ok ? 'ok' : o.error));
    expect(byIndex[0]).toMatch(new RegExp(`^${f('truncated.ndpi')}: TIFF image directory \\d+ \\(\\d+ entries at offset \\d+\\) runs past the end of the file \\(\\d+ bytes\\); the file is truncated or corrupt$`));
    expect(byIndex[1]).toBe('ok');
    expect(byIndex[2]).toBe(`${f('lost.mrxs')}: the MRXS data folder ${f('lost')} lacks Data0000.dat, which its Slidedat.ini lists; copy the whole folder with the slide`);
    expect(byIndex[3]).toMatch(new RegExp(`^${quoteRegex(f('scan.czi'))}: this is a Zeiss CZI file .* convert it to OME-TIFF`));
    // the DICOM errors name the level file inside the folder, and the problem
    expect(byIndex[4]).toMatch(new RegExp(`^${quoteRegex(path.join(f('frames-missing'), 'level-0.dcm'))}: .*Number of Frames \\(0028,0008\\) is 14 but its Basic Offset Table holds 12; frames are missing`));
    expect(byIndex[5]).toBe('ok');
    expect(byIndex[6]).toMatch(new RegExp(`^${quoteRegex(path.join(f('bad-spacing'), 'level-1.dcm'))}: .*the pixel spacing is inconsistent`));
    for (const [i, backend] of [[1, 'openslide'], [5, 'dicom']] as const) {
      const good = outcomes[i];
      if (!good.ok) throw new Error(good.error);
      expect(good.scores.cells).toBeGreaterThan(50);
      expect(good.provenance.backend).toBe(backend);
    }
  });
});

function quoteRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
