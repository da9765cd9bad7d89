// npm run bench — whole-slide throughput and memory on one large pyramidal TIFF made in this run.
// Prints: analysed MP/s, libvips (sharp) decode-only MP/s of the same file, their ratio, cells/s
// per core, cores busy, peak RSS, and the per-stage table of the tile processor (issue 13).
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { resolveParams } from '../src/domain/params.js';
import { analyseSlide } from '../src/pipeline/analyse-slide.js';
import { threadPoolExecutor } from '../src/pipeline/executor.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const size = Number(process.env.BENCH_SIZE ?? 20000);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const outDir = path.join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, `bench-dense-${size}.tif`);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;

// 1. the slide, generated in a child process so its memory is not counted as analysis memory: a
//    section filling the field (no glass) at 3 500 cells/mm², as a cellular whole-slide biopsy
const cellsPerMm2 = Number(process.env.BENCH_CELLS_PER_MM2 ?? 3500);
console.log(`Generating a ${size}×${size} JPEG-compressed pyramidal TIFF (synthetic, seed 7, tissue filling the field, ${cellsPerMm2} cells/mm²) …`);
const gen = spawnSync(process.execPath, [path.join(root, 'bin/biopsy-quant.js'), 'synth', file, '--seed', '7', '--width', String(size), '--height', String(size), '--format', 'pyramidal-tiff', '--tissue-fraction', '1', '--cells-per-mm2', String(cellsPerMm2)], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
if (gen.status !== 0) throw new Error(`slide generation failed (exit ${gen.status})`);
console.log(`  ${gen.stdout.trim()}  [${mb(statSync(file).size)} on disk]`);
const levelMp = (size * size) / 1e6;

// 2. analysis through the embedded pipeline (worker threads, same processors as the queue)
const executor = threadPoolExecutor({ threads });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const outcome = await analyseSlide({ path: file, params: resolveParams({}), executor });
const analysisS = (performance.now() - t0) / 1000;
// user + system time of every thread of this process (main and workers) over the analysis
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
await executor.close();
if (!outcome.ok) throw new Error(outcome.error);
const rssAnalysis = peakRss();
const tiles = outcome.provenance.tiles;
const tileMp = (tiles * 1024 * 1024) / 1e6;

// 3. libvips decode-only of the same level, streamed so memory stays flat
const t1 = performance.now();
let bytes = 0;
await pipeline(
  sharp(file, { limitInputPixels: false }).raw(),
  new Writable({
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb();
    },
  }),
);
const decodeS = (performance.now() - t1) / 1000;
if (bytes !== size * size * 3) throw new Error(`decode produced ${bytes} bytes, expected ${size * size * 3}`);

const analysedMps = levelMp / analysisS;
const decodeMps = levelMp / decodeS;
console.log(`\nSlide: ${levelMp.toFixed(0)} MP at 0.5 µm/px; ${tiles} tissue tiles of 1024² (≈${tileMp.toFixed(0)} MP read) of ${Math.ceil(size / 1024) ** 2}; ${outcome.scores.cells} cells`);
console.log(`Analysis (${threads} worker threads):  ${analysisS.toFixed(1)} s  → ${analysedMps.toFixed(1)} MP/s of slide (${(tileMp / analysisS).toFixed(1)} MP/s of tissue tiles)`);
console.log(`sharp decode-only (libvips, all cores): ${decodeS.toFixed(1)} s  → ${decodeMps.toFixed(1)} MP/s`);
console.log(`Ratio analysed / decode-only:  ${(analysedMps / decodeMps).toFixed(2)}   (target ≥ 0.30)`);
console.log(`Cores busy:                    ${(cpuS / analysisS).toFixed(2)} of ${threads}   (CPU ${cpuS.toFixed(1)} s over ${analysisS.toFixed(1)} s; target ≥ 1.85 of 2)`);
console.log(`Cells per second per core:     ${(outcome.scores.cells / cpuS).toFixed(0)}   (cells / CPU seconds; target ≥ 10 000)`);
console.log(`Peak RSS during analysis:      ${mb(rssAnalysis)}   (target < 1.5 GB)`);
console.log(`Peak RSS incl. decode baseline: ${mb(peakRss())}`);

// 4. muscle analysis (fibres, vessels, locations, 100 µm overlap) against the cell pipeline on the
//    same synthetic muscle section, same process and threads
const mSize = Number(process.env.BENCH_MUSCLE_SIZE ?? 10000);
const mFile = path.join(outDir, `bench-muscle-${mSize}.tif`);
console.log(`\nGenerating a ${mSize}×${mSize} synthetic muscle section (MHC-I, seed 7) …`);
const mGen = spawnSync(process.execPath, [path.join(root, 'bin/biopsy-quant.js'), 'synth', mFile, '--muscle', 'MHC-I', '--seed', '7', '--width', String(mSize), '--height', String(mSize), '--margin-um', '200'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
if (mGen.status !== 0) throw new Error(`muscle slide generation failed (exit ${mGen.status})`);
console.log(`  ${mGen.stdout.trim()}`);
const mMp = (mSize * mSize) / 1e6;
// This machine's speed drifts by ~10 % over minutes, so the two pipelines take turns (rounds) and
// the ratio is of their summed times. Each run is split into planning (open, stains, flat field,
// QC references), tiles and slide scoring, read from the progress callbacks: a slide-level step
// that grows with the section (the MHC-I neighbour clustering was all-pairs once) shows there.
const rounds = Math.max(1, Number(process.env.BENCH_MUSCLE_ROUNDS ?? 2));
const total = { cells: 0, muscle: 0 };
for (let round = 1; round <= rounds; round++) {
  for (const muscle of [false, true]) {
    const ex = threadPoolExecutor({ threads });
    const t = performance.now();
    let tilesFrom = t;
    let tilesTo = t;
    const o = await analyseSlide({
      path: mFile,
      metadata: { marker: 'MHC-I' },
      params: resolveParams({ muscle: { enabled: muscle } }),
      executor: ex,
      onProgress: (done, all) => {
        if (done === 0) tilesFrom = performance.now();
        if (done === all) tilesTo = performance.now();
      },
    });
    const end = performance.now();
    const s = (end - t) / 1000;
    await ex.close();
    if (!o.ok) throw new Error(o.error);
    const what = muscle ? `muscle analysis (${o.fibres.length} fibres, MHC-I grade ${o.markerScores?.mhc1?.grade})` : 'cell pipeline only';
    const split = `plan ${((tilesFrom - t) / 1000).toFixed(1)} s, tiles ${((tilesTo - tilesFrom) / 1000).toFixed(1)} s, scoring ${((end - tilesTo) / 1000).toFixed(1)} s`;
    console.log(`  round ${round}: ${what.padEnd(48)} ${s.toFixed(1)} s → ${(mMp / s).toFixed(1)} MP/s of slide  (${split})`);
    total[muscle ? 'muscle' : 'cells'] += s;
  }
}
console.log(`  muscle / cell pipeline MP/s on the same section: ${(total.cells / total.muscle).toFixed(2)}   (over ${rounds} round${rounds > 1 ? 's' : ''}; target ≥ 0.5)`);
console.log(`Peak RSS after the muscle runs: ${mb(peakRss())}`);

// 5. where a tile's time goes: a sample of each slide's tiles in this thread, stage by stage
const sample = Number(process.env.BENCH_PROFILE_TILES ?? 16);
for (const [slide, kind, n] of [[file, 'cells', sample], [mFile, 'muscle', Math.ceil(sample / 2)]] as const) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/stage-profile.ts'), slide, kind, String(n)], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`stage profile of ${slide} failed (exit ${run.status})`);
}
