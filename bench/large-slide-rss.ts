// Peak memory on a 40 000 × 40 000 slide (issue 13: < 1.5 GB), printed by npm run bench.
// The slide is a pyramidal TIFF made in this run: glass with BENCH_LARGE_PATCHES copies of one
// generated 8192² section (synthetic cells, tissue filling the patch) placed over it, written
// by libvips in strips, so neither making it nor reading it needs the whole level in memory.
// The analysis runs in a process of its own (bench/large-slide-analyse.ts), so the RSS printed
// is the analysis' alone: embedded pipeline, worker threads, every tissue tile, scores.
//   npx tsx bench/large-slide-rss.ts        (BENCH_LARGE_SIZE, BENCH_LARGE_PATCHES, BENCH_THREADS)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const size = Number(process.env.BENCH_LARGE_SIZE ?? 40000);
const patches = Number(process.env.BENCH_LARGE_PATCHES ?? 6);
const PATCH = 8192;
const MPP = 0.5;
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;

const patchFile = path.join(outDir, `large-patch-${PATCH}.tif`);
if (!existsSync(patchFile)) {
  console.log(`Generating the ${PATCH}² section patch (synthetic cells, seed 11, 3 500 cells/mm²) …`);
  const gen = spawnSync(process.execPath, [path.join(root, 'bin/biopsy-quant.js'), 'synth', patchFile, '--seed', '11', '--width', String(PATCH), '--height', String(PATCH), '--format', 'pyramidal-tiff', '--tissue-fraction', '1', '--cells-per-mm2', '3500'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (gen.status !== 0) throw new Error(`patch generation failed (exit ${gen.status})`);
}
const file = path.join(outDir, `large-${size}-${patches}.tif`);
if (!existsSync(file)) {
  console.log(`Composing a ${size}×${size} pyramidal TIFF: glass with ${patches} copies of the patch …`);
  const t = performance.now();
  const patch = await sharp(patchFile, { limitInputPixels: false }).raw().toBuffer({ resolveWithObject: true });
  const across = Math.floor(size / PATCH);
  const where = Array.from({ length: patches }, (_, i) => {
    // spread over the slide, a patch apart, as sections of a biopsy lie on their glass
    const cell = Math.floor((i * across * across) / patches);
    return { left: (cell % across) * PATCH + Math.floor((size - across * PATCH) / 2), top: Math.floor(cell / across) * PATCH + Math.floor((size - across * PATCH) / 2) };
  });
  await sharp({ create: { width: size, height: size, channels: 3, background: { r: 238, g: 236, b: 240 } }, limitInputPixels: false })
    .composite(where.map((w) => ({ input: patch.data, raw: { width: PATCH, height: PATCH, channels: 3 }, ...w })))
    .tiff({ tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, compression: 'jpeg', quality: 85, xres: 1000 / MPP, yres: 1000 / MPP, resolutionUnit: 'cm' })
    .toFile(file);
  console.log(`  ${file}: ${mib(statSync(file).size)} on disk, ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/large-slide-analyse.ts'), file, String(MPP)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (run.status !== 0) throw new Error(`large-slide analysis failed (exit ${run.status})`);
const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as { seconds: number; tiles: number; cells: number; peakRss: number; cpuS: number };
const levelMp = (size * size) / 1e6;
console.log(`\nLarge slide ${size}×${size} (${levelMp.toFixed(0)} MP, ${patches} sections of ${PATCH}² = ${((patches * PATCH * PATCH) / 1e6).toFixed(0)} MP of tissue):`);
console.log(`  ${r.tiles} tissue tiles, ${r.cells} cells in ${r.seconds.toFixed(1)} s (${(levelMp / r.seconds).toFixed(1)} MP/s of slide; CPU ${r.cpuS.toFixed(0)} s)`);
console.log(`  Peak RSS of the analysis process: ${mib(r.peakRss)}   (target < 1.5 GB = ${mib(1.5e9)})`);
