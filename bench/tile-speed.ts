// npx tsx bench/tile-speed.ts — single-thread speed of the tile processor.
// Renders a 2048² synthetic tile (seed 5), analyses its four 1024² cores with the default
// overlap, several rounds, and prints the median ms/tile and MP/s of core. The machine is
// shared, so it also times a fixed reference workload (deconvolution of the same raster) in the
// same process and prints analysis time / reference time: compare that ratio across runs.
import type { TileSpec } from '../src/domain/detection.js';
import { resolveParams } from '../src/domain/params.js';
import { TileAnalyser } from '../src/pipeline/analyse-tile.js';
import { rgbRaster, type RgbRaster } from '../src/image/raster.js';
import { deconvolveInto } from '../src/stain/deconvolve.js';
import { HDAB_DEFAULT } from '../src/stain/vectors.js';
import { makeScene, renderRegion } from '../src/synthetic/index.js';

const SIZE = 2048;
const CORE = 1024;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
// one tile alone, no slide plan to give QC its references: the detector without QC
const params = resolveParams({ qc: { enabled: false } });
const scene = makeScene({ seed: 5, width: SIZE, height: SIZE });
const mpp = scene.mpp;
const overlap = Math.round(params.overlapUm / mpp);
const full = renderRegion(scene, 0, 0, SIZE, SIZE);

function crop(src: RgbRaster, x0: number, y0: number, x1: number, y1: number): RgbRaster {
  const out = rgbRaster(x1 - x0, y1 - y0);
  for (let y = y0; y < y1; y++) out.data.set(src.data.subarray((y * src.width + x0) * 3, (y * src.width + x1) * 3), (y - y0) * out.width * 3);
  return out;
}

const tiles: Array<{ tile: TileSpec; rgb: RgbRaster }> = [];
for (let y = 0; y < SIZE; y += CORE) {
  for (let x = 0; x < SIZE; x += CORE) {
    const core = { x0: x, y0: y, x1: x + CORE, y1: y + CORE };
    const read = { x0: Math.max(0, x - overlap), y0: Math.max(0, y - overlap), x1: Math.min(SIZE, x + CORE + overlap), y1: Math.min(SIZE, y + CORE + overlap) };
    tiles.push({ tile: { id: tiles.length, read, core }, rgb: crop(full, read.x0, read.y0, read.x1, read.y1) });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Reference: deconvolution of one read-sized raster into reused buffers (fixed work, never
// optimised here), timed right before every tile so each ratio sees the same machine load.
const ref = tiles[0].rgb;
const refBufs = { hematoxylin: new Float32Array(ref.width * ref.height), dab: new Float32Array(ref.width * ref.height) };
const reference = () => {
  const t = performance.now();
  for (let k = 0; k < 3; k++) deconvolveInto(ref, HDAB_DEFAULT, 255, refBufs);
  return (performance.now() - t) / 3;
};

const analyser = new TileAnalyser();
const ctx = { mpp, stain: HDAB_DEFAULT, i0: params.stain.i0, params };
// Warm-up: JIT and scratch buffers.
for (const { rgb, tile } of tiles) analyser.analyse(rgb, tile, ctx);
reference();

const tileMs: number[] = [];
const refMs: number[] = [];
const ratios: number[] = [];
let cells = 0;
for (let round = 0; round < ROUNDS; round++) {
  cells = 0;
  for (const { rgb, tile } of tiles) {
    const r0 = reference();
    const t = performance.now();
    const r = analyser.analyse(rgb, tile, ctx);
    const dt = performance.now() - t;
    tileMs.push(dt);
    refMs.push(r0);
    ratios.push(dt / r0);
    cells += r.detections.length;
  }
}
const ms = median(tileMs);
const best = Math.min(...tileMs);
const coreMp = (CORE * CORE) / 1e6;
console.log(`tile processor: ${tiles.length} cores of ${CORE}² (read up to ${tiles[0].rgb.width}² with ${overlap} px overlap), ${ROUNDS} rounds, ${cells} cells per round`);
console.log(`  analyseTile:  median ${ms.toFixed(0)} ms/tile → ${(coreMp / (ms / 1000)).toFixed(2)} MP/s of core;  best ${best.toFixed(0)} ms → ${(coreMp / (best / 1000)).toFixed(2)} MP/s`);
console.log(`  reference (deconvolve ${ref.width}×${ref.height}): median ${median(refMs).toFixed(1)} ms, best ${Math.min(...refMs).toFixed(1)} ms`);
console.log(`  ratio analyseTile / reference: median of per-tile ratios ${median(ratios).toFixed(1)}, best/best ${(best / Math.min(...refMs)).toFixed(1)}  (lower is faster)`);
