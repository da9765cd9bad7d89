// npx tsx bench/dicom-region-read.ts — region-read speed of the DICOM WSI backend vs the TIFF reader.
// Renders one synthetic 3072² section (seed 5), writes it as pyramidal TIFF (JPEG q90 tiles, and
// uncompressed) and as DICOM WSI series (the same JPEG tiles; lossless JPEG 2000; lossless HTJ2K),
// all with 256² tiles, then reads level 0 the way analysis does (1024² cores grown by 32 px, row
// by row, one open slide) and prints MP/s of region read (median of ROUNDS runs, single thread).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDicomSlide } from '../src/slide/dicom/open-dicom.js';
import { openSlide } from '../src/slide/open.js';
import { writeTiledTiff } from '../src/slide/tiff-writer.js';
import type { Slide } from '../src/slide/types.js';
import { dicomPyramid, writeDicomWsi } from '../src/synthetic/formats/dicom-wsi-writer.js';
import { makeScene, renderRegion } from '../src/synthetic/index.js';

const SIZE = Number(process.env.SIZE ?? 3072);
const CORE = 1024;
const OVERLAP = 32;
const TILE = 256;
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const scene = makeScene({ seed: 5, width: SIZE, height: SIZE });
const levels = await dicomPyramid(renderRegion(scene, 0, 0, SIZE, SIZE), TILE);
const dir = await mkdtemp(join(tmpdir(), 'bq-bench-dicom-'));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function readAll(open: () => Promise<Slide>): Promise<number> {
  const slide = await open();
  const t = performance.now();
  let pixels = 0;
  for (let y = 0; y < SIZE; y += CORE) {
    for (let x = 0; x < SIZE; x += CORE) {
      const x0 = Math.max(0, x - OVERLAP);
      const y0 = Math.max(0, y - OVERLAP);
      const w = Math.min(SIZE, x + CORE + OVERLAP) - x0;
      const h = Math.min(SIZE, y + CORE + OVERLAP) - y0;
      await slide.readRegion(0, x0, y0, w, h);
      pixels += w * h;
    }
  }
  const seconds = (performance.now() - t) / 1000;
  await slide.close();
  return pixels / 1e6 / seconds;
}

try {
  const cases: { name: string; write: (path: string) => Promise<unknown>; open: (path: string) => Promise<Slide> }[] = [
    { name: 'TIFF reader, JPEG q90 tiles', write: (p) => writeTiledTiff(p, levels, { tileSize: TILE, compression: 'jpeg', quality: 90, mpp: scene.mpp }), open: (p) => openSlide(p) },
    { name: 'DICOM backend, the same JPEG tiles', write: (p) => writeDicomWsi(p, levels, { mpp: scene.mpp, codec: 'jpeg', quality: 90 }), open: (p) => openDicomSlide(p) },
    { name: 'TIFF reader, uncompressed tiles', write: (p) => writeTiledTiff(p, levels, { tileSize: TILE, compression: 'none', mpp: scene.mpp }), open: (p) => openSlide(p) },
    { name: 'DICOM backend, uncompressed frames', write: (p) => writeDicomWsi(p, levels, { mpp: scene.mpp, codec: 'native' }), open: (p) => openDicomSlide(p) },
    { name: 'DICOM backend, lossless JPEG 2000', write: (p) => writeDicomWsi(p, levels, { mpp: scene.mpp, codec: 'j2k' }), open: (p) => openDicomSlide(p) },
    { name: 'DICOM backend, lossless HTJ2K', write: (p) => writeDicomWsi(p, levels, { mpp: scene.mpp, codec: 'htj2k' }), open: (p) => openDicomSlide(p) },
  ];
  console.log(`region read, level 0 of ${SIZE}², ${CORE}² cores + ${OVERLAP} px overlap, ${TILE}² tiles, median of ${ROUNDS}`);
  for (const [i, c] of cases.entries()) {
    const path = join(dir, `case-${i}`);
    await c.write(path);
    await readAll(() => c.open(path)); // warm-up: page cache, codec load, JIT
    const rates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) rates.push(await readAll(() => c.open(path)));
    console.log(`${c.name.padEnd(40)} ${median(rates).toFixed(1).padStart(7)} MP/s`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
