// npm run bench (last step) — region-read MP/s per slide backend on the same pixels (issue 11).
// One synthetic scene is written as SVS (Aperio, read by the builtin reader and by OpenSlide, which
// both read SVS) and as NDPI, MRXS, SCN, Philips TIFF and BIF (OpenSlide). Each file is opened fresh
// and the same 1024×1024 level-0 regions (a fixed pseudo-random set, no region read twice) are read
// one after another; the figure is level-0 megapixels delivered as RGB per second.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { RgbRaster } from '../src/image/raster.js';
import { openBuiltinSlide } from '../src/slide/builtin-reader.js';
import { openSlideAvailable } from '../src/slide/openslide/library.js';
import { openWithOpenSlide } from '../src/slide/openslide/open-openslide.js';
import { openSlide } from '../src/slide/open.js';
import { writeTiledTiff } from '../src/slide/tiff-writer.js';
import type { Slide } from '../src/slide/types.js';
import { SCANNER_EXTENSION, SCANNER_FORMATS, SCN_MARGIN, writeScannerSlide } from '../src/synthetic/formats/index.js';
import { sceneSource } from '../src/synthetic/render.js';
import { makeScene } from '../src/synthetic/scene.js';
import { aperioDescription } from '../src/synthetic/slide-descriptions.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'bench', 'out', 'slide-backends');
const W = Number(process.env.BENCH_BACKEND_WIDTH ?? 4096);
const H = (W * 3) / 4;
const REGION = 1024;
const READS = Number(process.env.BENCH_BACKEND_READS ?? 24);
const QUALITY = 90;

if (!openSlideAvailable()) {
  console.log('slide backends: libopenslide0 is not installed; only the builtin reader can be measured (apt-get install libopenslide0)');
}
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

console.log(`Rendering a ${W}×${H} synthetic scene (seed 7) and writing it in every format …`);
const scene = makeScene({ seed: 7, width: W, height: H });
const halve = async (r: RgbRaster): Promise<RgbRaster> => {
  const data = await sharp(r.data, { raw: { width: r.width, height: r.height, channels: 3 } }).resize(r.width / 2, r.height / 2).raw().toBuffer();
  return { width: r.width / 2, height: r.height / 2, channels: 3, data: new Uint8Array(data) };
};
const l0 = sceneSource(scene).region(0, 0, W, H);
const levels = [l0, await halve(l0), await halve(await halve(l0))];

const svs = path.join(outDir, 'slide.svs');
await writeTiledTiff(svs, levels, { tileSize: 256, compression: 'jpeg', quality: QUALITY, mpp: scene.mpp, description: aperioDescription(W, H, scene.mpp, 256, QUALITY) });
const scanner = new Map<string, string>();
for (const format of SCANNER_FORMATS) {
  const file = path.join(outDir, `slide.${SCANNER_EXTENSION[format]}`);
  await writeScannerSlide(format, file, levels, { mpp: scene.mpp, quality: QUALITY });
  scanner.set(format, file);
}

// the same regions for every file: deterministic, spread over level 0, each read once
const regions: [number, number][] = [];
let s = 12345;
for (let i = 0; i < READS; i++) {
  s = (s * 1103515245 + 12345) >>> 0;
  const x = s % (W - REGION);
  s = (s * 1103515245 + 12345) >>> 0;
  regions.push([x, s % (H - REGION)]);
}

async function measure(label: string, open: () => Promise<Slide>, offset = 0): Promise<void> {
  const slide = await open();
  try {
    const t0 = performance.now();
    for (const [x, y] of regions) await slide.readRegion(0, x + offset, y + offset, REGION, REGION);
    const seconds = (performance.now() - t0) / 1000;
    const mp = (READS * REGION * REGION) / 1e6;
    console.log(`  ${label.padEnd(34)} ${(mp / seconds).toFixed(1).padStart(6)} MP/s  (${READS} reads of ${REGION}×${REGION})`);
  } finally {
    await slide.close();
  }
}

console.log('Region reads, level 0:');
await measure('SVS, builtin reader (libvips)', () => openBuiltinSlide(svs));
if (openSlideAvailable()) {
  await measure('SVS, OpenSlide', () => openWithOpenSlide(svs, {}, { format: 'svs', isTiff: true }));
  for (const [format, file] of scanner) await measure(`${format}, OpenSlide`, () => openSlide(file), format === 'scn' ? SCN_MARGIN : 0);
}
