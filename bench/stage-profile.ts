// The per-stage table of npm run bench (issue 13): a sample of a slide's tiles analysed in this
// thread with the tile processor's stage clock on (src/runtime/stage-clock.ts), so each stage's
// share is measured on the code the worker threads run. Planning (open, stains, flat field, QC
// references) is timed as one stage of its own, per slide.
//   npx tsx bench/stage-profile.ts <slide> cells|muscle [tiles]   prints the table for one slide;
// npm run bench runs it so, in a process of its own: the bench process holds a whole slide's
// detections, whose heap slows a profile in it by ~20 %.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveParams, type AnalysisParams } from '../src/domain/params.js';
import type { SlideMetadata } from '../src/domain/slide.js';
import { analyseTileBatch, closeCachedSlides } from '../src/pipeline/analyse-tile-batch.js';
import { prepareSlide } from '../src/pipeline/prepare-slide.js';
import { stageClock } from '../src/runtime/stage-clock.js';

export interface StageProfile {
  planMs: number;
  tiles: number;
  tileMp: number;
  /** stage → ms over the sampled tiles, in first-lap order */
  stages: Map<string, number>;
  totalMs: number;
}

/** Plans `file` in this thread, then analyses every k-th tile so that about `sample` tiles run. */
export async function stageProfile(file: string, params: AnalysisParams, metadata: SlideMetadata, sample: number): Promise<StageProfile> {
  const t0 = performance.now();
  const prepared = await prepareSlide({ path: file, metadata, params, batchSize: (n) => n });
  const planMs = performance.now() - t0;
  const job = prepared.jobs[0];
  const all = prepared.jobs.flatMap((j) => j.tiles);
  const step = Math.max(1, Math.floor(all.length / sample));
  const tiles = all.filter((_, i) => i % step === 0).slice(0, sample);
  stageClock.reset();
  stageClock.enabled = true;
  const t1 = performance.now();
  try {
    await analyseTileBatch({ ...job, tiles });
  } finally {
    stageClock.enabled = false;
    await closeCachedSlides();
  }
  const totalMs = performance.now() - t1;
  const tileMp = tiles.reduce((s, t) => s + (t.core.x1 - t.core.x0) * (t.core.y1 - t.core.y0), 0) / 1e6;
  return { planMs, tiles: tiles.length, tileMp, stages: new Map(stageClock.ms), totalMs };
}

/** The table: ms per MP of tile core and share of the tile time, per stage. */
export function printStageProfile(title: string, p: StageProfile): void {
  console.log(`\n${title}: ${p.tiles} tiles (${p.tileMp.toFixed(1)} MP of core) in one thread, ${(p.totalMs / 1000).toFixed(1)} s → ${(p.tileMp / (p.totalMs / 1000)).toFixed(2)} MP/s per core; planning the slide ${(p.planMs / 1000).toFixed(1)} s`);
  console.log(`  ${'stage'.padEnd(34)} ${'ms/MP'.padStart(7)} ${'share'.padStart(6)}`);
  const counted = [...p.stages.values()].reduce((a, b) => a + b, 0);
  for (const [stage, ms] of p.stages) console.log(`  ${stage.padEnd(34)} ${(ms / p.tileMp).toFixed(0).padStart(7)} ${((100 * ms) / p.totalMs).toFixed(1).padStart(5)}%`);
  console.log(`  ${'(between stages: GC, job parsing)'.padEnd(34)} ${((p.totalMs - counted) / p.tileMp).toFixed(0).padStart(7)} ${((100 * (p.totalMs - counted)) / p.totalMs).toFixed(1).padStart(5)}%`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, kind, n] = process.argv.slice(2);
  if (!file || (kind !== 'cells' && kind !== 'muscle')) throw new Error('usage: bench/stage-profile.ts <slide> cells|muscle [tiles]');
  const muscle = kind === 'muscle';
  const profile = await stageProfile(file, resolveParams(muscle ? { muscle: { enabled: true } } : {}), muscle ? { marker: 'MHC-I' } : {}, Number(n ?? 16));
  printStageProfile(`Per-stage profile, ${muscle ? 'muscle section' : 'cell slide'} ${path.basename(file)}`, profile);
}
