import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbRaster } from '../../src/image/raster.js';
import { paramsForMarker } from '../../src/domain/marker.js';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import { openSlide } from '../../src/slide/open.js';
import { writeTiledTiff } from '../../src/slide/tiff-writer.js';
import { dicomPyramid, writeDicomWsi } from '../../src/synthetic/formats/dicom-wsi-writer.js';
import { SCANNER_EXTENSION, SCANNER_FORMATS, writeScannerSlide } from '../../src/synthetic/formats/index.js';
import { sceneSource } from '../../src/synthetic/render.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { tempDir } from './pattern.js';

/**
 * Issue 11 acceptance: a slide in each scanner format analyses like "the same pixels as pyramidal
 * TIFF": cell count within ±0.5 %, H-score within ±1 point. The same pixels are the ones the scanner
 * file decodes to: every level is read back through the slide's own reader and written as a
 * lossless pyramidal TIFF, so the comparison isolates the reader and the pipeline above it from
 * the JPEG loss the scanner baked in (as the DICOM parity test compares the same JPEG tiles). The
 * files are JPEG quality 95 at 4:2:0 chroma, as scanners write them (NDPI: always 4:4:4); the
 * DICOM series are JPEG (4:2:0) and lossless JPEG 2000 frames. The scene is tuning seed 71,
 * 1536 × 1024 px (MRXS wants whole 256-px camera images), 256 cells, so one cell is 0.39 %.
 */
const tmp = tempDir('scanner-pipeline');
const W = 1536;
const H = 1024;
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
    // the scene is a field of cells: analysed as one (CD3's registry settings, no fibre search),
    // so the time goes to what is compared, the readers
    const o = await analyseSlide({ path, metadata, params: paramsForMarker(metadata.marker, { muscle: { enabled: false } }), executor });
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

/**
 * Every level of the slide at `path` as its reader decodes it, written as a lossless pyramidal
 * TIFF; answers a digest of those pixels.
 */
async function readBackAsTiff(path: string, out: string): Promise<string> {
  const slide = await openSlide(path);
  try {
    const decoded: RgbRaster[] = [];
    const digest = createHash('sha256');
    for (const l of slide.levels) {
      const r = await slide.readRegion(l.index, 0, 0, l.width, l.height);
      decoded.push(r);
      digest.update(`${r.width}x${r.height};`).update(r.data);
    }
    await writeTiledTiff(out, decoded, { tileSize: 256, compression: 'none', mpp: slide.levels[0].mpp });
    return digest.digest('hex');
  } finally {
    await slide.close();
  }
}

/**
 * The read-back TIFF's analysis, once per distinct decoded pyramid: formats whose files decode to
 * the same pixels (JPEG tiles from the same encoder) share it, as the pipeline is deterministic.
 */
const sameAnalyses = new Map<string, Promise<Found>>();
function analyseOnce(tif: string, pixels: string): Promise<Found> {
  let found = sameAnalyses.get(pixels);
  if (!found) sameAnalyses.set(pixels, (found = analyse(tif)));
  return found;
}

/** `lossy420`: JPEG tiles at 4:2:0 chroma, whose loss the original-pixels comparison sees */
const WRITERS: { name: string; format: string; lossy420: boolean; write(base: string): Promise<string> }[] = [
  ...SCANNER_FORMATS.map((f) => ({
    name: f,
    format: f,
    lossy420: f !== 'ndpi',
    async write(base: string) {
      const path = `${base}.${SCANNER_EXTENSION[f]}`;
      await writeScannerSlide(f, path, levels, { mpp, quality: 95, chroma: '4:2:0' });
      return path;
    },
  })),
  ...(['jpeg', 'j2k'] as const).map((codec) => ({
    name: `dicom ${codec}`,
    format: 'dicom',
    lossy420: codec === 'jpeg',
    async write(base: string) {
      await writeDicomWsi(base, await dicomPyramid(levels[0], 256), { mpp, codec, quality: 95 });
      return base;
    },
  })),
];

let original: Found;
beforeAll(async () => {
  const scene = makeScene({ seed: 71, width: W, height: H });
  mpp = scene.mpp;
  const l0 = sceneSource(scene).region(0, 0, W, H);
  const l1 = await halve(l0);
  levels = [l0, l1, await halve(l1)];
  const tif = tmp.file('original.tif');
  await writeTiledTiff(tif, levels, { tileSize: 256, compression: 'none', mpp });
  original = await analyse(tif);
}, 300_000);
afterAll(() => tmp.cleanup());

describe('scanner formats through the full pipeline', () => {
  it('the lossless pyramidal TIFF of the original pixels finds cells at level 0', () => {
    expect(original.level).toBe(0);
    expect(original.cells).toBeGreaterThan(100);
  });

  it.each(WRITERS)('$name: the same scores as the same decoded pixels as pyramidal TIFF (bars ±0.5 % cells, ±1 H-score point)', async ({ name, format, lossy420, write }) => {
    const base = tmp.file(`scene-${name.replace(/ /g, '-')}`);
    const path = await write(base);
    const tif = `${base}-read-back.tif`;
    const pixels = await readBackAsTiff(path, tif);
    const found = await analyse(path);
    const same = { ...(await analyseOnce(tif, pixels)), format: 'tiff' };
    expect(found.format).toBe(format);
    expect([found.level, same.level]).toEqual([0, 0]);
    expect(Math.abs(found.cells - same.cells) / same.cells, `${name}: ${found.cells} cells vs ${same.cells}`).toBeLessThanOrEqual(0.005);
    expect(Math.abs(found.hScore - same.hScore), `${name}: H-score ${found.hScore} vs ${same.hScore}`).toBeLessThanOrEqual(1);
    // measured identical for every format (255 or 256 cells), not merely within the bars: the readers add nothing
    expect(found).toEqual({ ...same, format });

    // Against the original pixels the scanner's own encoding shows: cells stay within the bar
    // (255 or 256 vs 256), the H-score moves 0.39 (NDPI, 4:4:4), 0 (lossless JPEG 2000), 1.24 for
    // the 4:2:0 files (82.75 vs 83.98) and 3.13 for SCN's (80.86: eight one-grade steps of 256
    // cells): halved chroma thins the DAB of CD3's 1 µm membrane rim. That is the JPEG the scanner
    // wrote, not the reader; the acceptance compares decoded pixels.
    expect(Math.abs(found.cells - original.cells) / original.cells).toBeLessThanOrEqual(0.005);
    expect(Math.abs(found.hScore - original.hScore), `${name}: H-score ${found.hScore} vs original ${original.hScore}`).toBeLessThanOrEqual(lossy420 ? 3.5 : 0.5);
  });
});
