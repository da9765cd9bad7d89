import { statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paramsForMarker } from '../../../src/domain/marker.js';
import type { SlideMetadata } from '../../../src/domain/slide.js';
import type { RgbRaster } from '../../../src/image/raster.js';
import { analyseSlide, type SlideOutcome, type SlideSuccess } from '../../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../../src/pipeline/executor.js';
import { writeTiledTiff } from '../../../src/slide/tiff-writer.js';
import { makeMuscleScene, muscleSource } from '../../../src/synthetic/muscle/index.js';
import { sceneSource, type RenderSource } from '../../../src/synthetic/render.js';
import { makeScene } from '../../../src/synthetic/scene.js';
import { dicomPyramid, writeDicomWsi } from '../../../src/synthetic/formats/dicom-wsi-writer.js';
import { tempDir } from '../pattern.js';

/** openSlide picks the DICOM backend by content; the rest is the real pipeline, as test/golden runs it. */

const TILE = 256;
const QUALITY = 90;
const tmp = tempDir('dicom-parity');
afterAll(() => tmp.cleanup());

function render(source: RenderSource): RgbRaster {
  return source.region(0, 0, source.width, source.height, source.scratch(source.width, source.height));
}

/** Glass: every sample of the tile at least this bright (the scenes' glass is ~240–250 with noise). */
const GLASS = 225;

/** The raster with each 256² tile that is all glass set to pure white, and how many were. */
function whitenGlassTiles(r: RgbRaster): { raster: RgbRaster; whitened: number } {
  const out = { width: r.width, height: r.height, channels: 3 as const, data: Uint8Array.from(r.data) };
  let whitened = 0;
  for (let y0 = 0; y0 < r.height; y0 += TILE) {
    for (let x0 = 0; x0 < r.width; x0 += TILE) {
      const x1 = Math.min(r.width, x0 + TILE);
      const y1 = Math.min(r.height, y0 + TILE);
      let glass = true;
      for (let y = y0; y < y1 && glass; y++) for (let i = (y * r.width + x0) * 3; i < (y * r.width + x1) * 3; i++) if (r.data[i] < GLASS) { glass = false; break; }
      if (!glass) continue;
      whitened++;
      for (let y = y0; y < y1; y++) out.data.fill(255, (y * r.width + x0) * 3, (y * r.width + x1) * 3);
    }
  }
  return { raster: out, whitened };
}

/** cellField: a field of cells, analysed as one (the marker's settings, no fibre search) */
async function analyse(path: string, metadata: SlideMetadata, cellField = false): Promise<SlideOutcome> {
  const executor = inlineExecutor();
  try {
    return await analyseSlide({ path, metadata, params: paramsForMarker(metadata.marker, cellField ? { muscle: { enabled: false } } : {}), executor });
  } finally {
    await executor.close();
  }
}

function ok(o: SlideOutcome): SlideSuccess {
  if (!o.ok) throw new Error(`${o.path}: ${o.error}`);
  return o;
}

const scenes: { name: string; source: () => RenderSource; metadata: SlideMetadata; cellField?: boolean }[] = [
  { name: 'muscle CD163 (seed 74, glass margin 150 µm)', source: () => muscleSource(makeMuscleScene({ seed: 74, width: 1024, height: 960, marker: 'CD163', sectionMarginUm: 150 })), metadata: { marker: 'CD163' } },
  { name: 'cells CD3 (seed 72, as golden)', source: () => sceneSource(makeScene({ seed: 72, width: 900, height: 900 })), metadata: { marker: 'CD3' }, cellField: true },
];

describe.each(scenes)('analysis of a DICOM WSI series equals the same pixels as pyramidal TIFF: $name', ({ name, source, metadata, cellField }) => {
  const results = new Map<string, SlideSuccess>();
  let omitted = 0;
  beforeAll(async () => {
    const src = source();
    const levels = await dicomPyramid(render(src), TILE);
    const base = tmp.file(name.replace(/[^a-z0-9]+/gi, '-'));
    const files = {
      tiffJpeg: `${base}-jpeg.tif`,
      dicomJpeg: `${base}-jpeg-dicom`,
      tiffRaw: `${base}-raw.tif`,
      dicomJ2k: `${base}-j2k-dicom`,
      dicomSparse: `${base}-sparse-htj2k-dicom`,
      tiffGlassy: `${base}-glass-white.tif`,
    };
    await writeTiledTiff(files.tiffJpeg, levels, { tileSize: TILE, compression: 'jpeg', quality: QUALITY, mpp: src.mpp });
    await writeDicomWsi(files.dicomJpeg, levels, { mpp: src.mpp, codec: 'jpeg', quality: QUALITY });
    await writeTiledTiff(files.tiffRaw, levels, { tileSize: TILE, compression: 'none', mpp: src.mpp });
    await writeDicomWsi(files.dicomJ2k, levels, { mpp: src.mpp, codec: 'j2k', offsetTable: 'none' });
    // sparse, as scanners write it: tiles of bare glass are not stored and read back as white;
    // the TIFF it is compared with holds the same white tiles
    const glassy = levels.map((l) => whitenGlassTiles(l));
    omitted = glassy.reduce((n, g) => n + g.whitened, 0);
    await writeTiledTiff(files.tiffGlassy, glassy.map((g) => g.raster), { tileSize: TILE, compression: 'none', mpp: src.mpp });
    await writeDicomWsi(files.dicomSparse, glassy.map((g) => g.raster), { mpp: src.mpp, codec: 'htj2k', organisation: 'TILED_SPARSE' }, {}, (_k, _x, _y, tile) => tile.data.every((v) => v === 255));
    for (const [key, path] of Object.entries(files)) results.set(key, ok(await analyse(path, metadata, cellField)));
  }, 600_000);

  it.each([
    ['JPEG frames', 'dicomJpeg', 'tiffJpeg'],
    ['lossless JPEG 2000 frames', 'dicomJ2k', 'tiffRaw'],
    ['lossless HTJ2K TILED_SPARSE frames, glass tiles left out', 'dicomSparse', 'tiffGlassy'],
  ])('%s: cell count within 0.5 %, H-score within 1 point of the TIFF', (_what, dicomKey, tiffKey) => {
    const d = results.get(dicomKey)!;
    const t = results.get(tiffKey)!;
    // cells to count (45 muscle CD163, 132 CD3 measured); 0.5 % of them is under one cell, so the bar asks for equality
    expect(t.scores.cells).toBeGreaterThan(40);
    expect(Math.abs(d.scores.cells - t.scores.cells)).toBeLessThanOrEqual(0.005 * t.scores.cells);
    expect(Math.abs(d.scores.hScore - t.scores.hScore)).toBeLessThanOrEqual(1);
    expect(d.provenance.level).toBe(t.provenance.level);
    expect(d.provenance.mpp).toBeCloseTo(t.provenance.mpp, 9);
    // the same pixels: measured identical, not merely within the bars
    expect(d.scores).toEqual(t.scores);
    expect(d.detections.length).toBe(t.detections.length);
  });

  it('the sparse series really leaves tiles out', () => {
    expect(omitted).toBeGreaterThan(0);
  });
});

describe('a damaged DICOM slide in a batch', () => {
  it('fails on its own row with the file and problem named; the next slide is analysed', async () => {
    const src = sceneSource(makeScene({ seed: 71, width: 400, height: 400 }));
    const levels = await dicomPyramid(render(src), TILE);
    const bad = tmp.file('truncated-dicom');
    await writeDicomWsi(bad, levels, { mpp: src.mpp, codec: 'jpeg' });
    const file = join(bad, 'level-0.dcm');
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const good = tmp.file('good-dicom');
    await writeDicomWsi(good, levels, { mpp: src.mpp, codec: 'jpeg' });
    const outcomes = [await analyse(bad, {}), await analyse(good, {})];
    expect(outcomes[0]).toMatchObject({ ok: false, code: 'SLIDE_FORMAT' });
    expect(!outcomes[0].ok && outcomes[0].error).toMatch(new RegExp(`${file}: the encapsulated pixel data does not end with a sequence delimiter`));
    expect(outcomes[1].ok).toBe(true);
  }, 120_000);
});
