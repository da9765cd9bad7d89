import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbRaster } from '../../src/image/raster.js';
import { paramsForMarker } from '../../src/domain/marker.js';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import { writeTiledTiff } from '../../src/slide/tiff-writer.js';
import { SCANNER_EXTENSION, SCANNER_FORMATS, writeScannerSlide, type ScannerFormat } from '../../src/synthetic/formats/index.js';
import { sceneSource } from '../../src/synthetic/render.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { tempDir } from './pattern.js';

/**
 * Issue 11 acceptance: a cell scene (tuning seed 71, 2048 × 1536 px, ~500 cells so one cell is
 * 0.2 %) written in each scanner format analyses like the same pixels written as a lossless
 * pyramidal TIFF: cell count within ±0.5 %, H-score within ±1 point. The scanner files are JPEG
 * quality 95 with full chroma (4:4:4), so the gap is what the format's reader costs plus mild JPEG.
 */
const tmp = tempDir('scanner-pipeline');
const W = 2048;
const H = 1536;
const metadata = { marker: 'CD3' as const };
let levels: RgbRaster[];
let mpp: number;

interface Found {
  cells: number;
  hScore: number;
  level: number;
  format: string;
}

async function analyse(path: string): Promise<Found> {
  const executor = inlineExecutor();
  try {
    const o = await analyseSlide({ path, metadata, params: paramsForMarker(metadata.marker), executor });
    if (!o.ok) throw new Error(`${path}: ${o.error}`);
    return { cells: o.scores.cells, hScore: o.scores.hScore, level: o.provenance.level, format: o.provenance.format ?? '' };
  } finally {
    await executor.close();
  }
}

async function halve(r: RgbRaster): Promise<RgbRaster> {
  const data = await sharp(r.data, { raw: { width: r.width, height: r.height, channels: 3 } })
    .resize(r.width / 2, r.height / 2, { kernel: 'linear' })
    .raw()
    .toBuffer();
  return { width: r.width / 2, height: r.height / 2, channels: 3, data: new Uint8Array(data) };
}

let reference: Found;
beforeAll(async () => {
  const scene = makeScene({ seed: 71, width: W, height: H });
  mpp = scene.mpp;
  const l0 = sceneSource(scene).region(0, 0, W, H);
  const l1 = await halve(l0);
  levels = [l0, l1, await halve(l1)];
  const tif = tmp.file('reference.tif');
  await writeTiledTiff(tif, levels, { tileSize: 256, compression: 'none', mpp });
  reference = await analyse(tif);
}, 300_000);
afterAll(() => tmp.cleanup());

describe('scanner formats through the full pipeline', () => {
  it('the lossless pyramidal TIFF reference finds cells at level 0', () => {
    expect(reference.level).toBe(0);
    expect(reference.cells).toBeGreaterThan(100);
  });

  it.each(SCANNER_FORMATS)('%s: cells within ±0.5 % and H-score within ±1 point of the same pixels as pyramidal TIFF', async (format: ScannerFormat) => {
    const path = tmp.file(`scene.${SCANNER_EXTENSION[format]}`);
    await writeScannerSlide(format, path, levels, { mpp, quality: 95, chroma: '4:4:4' });
    const found = await analyse(path);
    expect(found.format).toBe(format);
    expect(found.level).toBe(0);
    expect(Math.abs(found.cells - reference.cells) / reference.cells, `${format}: ${found.cells} cells vs ${reference.cells}`).toBeLessThanOrEqual(0.005);
    expect(Math.abs(found.hScore - reference.hScore), `${format}: H-score ${found.hScore} vs ${reference.hScore}`).toBeLessThanOrEqual(1);
  });

  it('4:2:0 chroma (how most scanners encode) costs the CD3 membrane H-score more than the bar allows', async () => {
    const path = tmp.file('scene-420.tiff');
    await writeScannerSlide('philips-tiff', path, levels, { mpp, quality: 95, chroma: '4:2:0' });
    const found = await analyse(path);
    expect(Math.abs(found.cells - reference.cells) / reference.cells).toBeLessThanOrEqual(0.005);
    // KNOWN SHORTFALL: issue 11 bar ±1 H-score point; measured 1.21 (82.39 vs 83.59) at quality 95
    // 4:2:0 on MRXS, Philips TIFF and BIF alike (the same JPEG tiles): halved chroma thins the DAB of
    // CD3's 1 µm membrane rim. Not a reader difference: 4:4:4 tiles of the same pixels hold the bar.
    expect(Math.abs(found.hScore - reference.hScore)).toBeLessThanOrEqual(1.3);
    expect(Math.abs(found.hScore - reference.hScore)).toBeGreaterThan(1);
  });
});
