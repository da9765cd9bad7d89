// npx tsx bench/service.ts (part of npm run bench) — service mode throughput with 1 vs 2 worker
// processes on this machine, through the real queue (Redis) and store (PostgreSQL).
// Each worker process runs one analysis thread, so the ratio shows scaling by processes.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { submitBatch } from '../src/service/submit.js';
import { makeScene } from '../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../src/synthetic/write-slide.js';
import { openHarness } from '../src/service/local-cluster.js';

const SLIDES = Number(process.env.BENCH_SERVICE_SLIDES ?? 6);
const SIZE = Number(process.env.BENCH_SERVICE_SIZE ?? 3072);

const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-bench-service-'));
try {
  const files: string[] = [];
  for (let i = 0; i < SLIDES; i++) {
    const f = path.join(dir, `slide-${i}.tif`);
    await writeSyntheticSlide(makeScene({ seed: 300 + i, width: SIZE, height: SIZE }), f, 'pyramidal-tiff');
    files.push(f);
  }
  const mp = (SLIDES * SIZE * SIZE) / 1e6;
  console.log(`Service mode: ${SLIDES} slides of ${SIZE}×${SIZE} px (${mp.toFixed(0)} MP), Redis + PostgreSQL, 1 analysis thread per worker process`);
  const rates: number[] = [];
  for (const workers of [1, 2]) {
    const h = await openHarness({ SLIDES_ROOT: dir, WORKER_CONCURRENCY: '1' });
    try {
      for (let w = 0; w < workers; w++) await h.startWorker();
      const t0 = performance.now();
      const { batchId } = await submitBatch(h.service, {
        createdBy: 'bench',
        params: {},
        slides: files.map((f) => ({ path: f, metadata: {} })),
      });
      const batch = await h.waitForBatch(batchId, 30 * 60_000);
      const s = (performance.now() - t0) / 1000;
      if (batch.status !== 'done') throw new Error(`batch ended ${batch.status}: ${JSON.stringify(batch.slides.map((x) => x.error))}`);
      rates.push(SLIDES / s);
      console.log(`  ${workers} worker process${workers > 1 ? 'es' : ''}: ${s.toFixed(1)} s → ${((SLIDES / s) * 3600).toFixed(0)} slides/hour, ${(mp / s).toFixed(1)} MP/s`);
    } finally {
      await h.cleanup();
    }
  }
  console.log(`  ratio 2 / 1 worker processes: ${(rates[1] / rates[0]).toFixed(2)} (2 cores)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
