import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSlides } from '../../src/cli/run-slides.js';
import { resolveParams } from '../../src/domain/params.js';
import type { TileBatchJob } from '../../src/domain/job.js';
import { AnalysisError, errorFromRecord, SlideFormatError, threadErrorRecord } from '../../src/errors/index.js';
import type { SlideOutcome } from '../../src/pipeline/analyse-slide.js';
import { threadPoolExecutor, type TileExecutor } from '../../src/pipeline/executor.js';
import { HDAB_DEFAULT } from '../../src/stain/vectors.js';
import { writeGoodSlides } from '../../src/synthetic/hostile-corpus.js';
import { writePngBomb } from '../../src/synthetic/png-bomb.js';

// Issue 14 point 0: each slide is read and analysed on worker threads under a time and heap
// budget; a slide over it fails alone, naming the budget, and the pool goes on with the rest.
let dir: string;
let goods: string[];
let bomb: string;
let executor: TileExecutor;
let alone: SlideOutcome[];
let mixed: SlideOutcome[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-budget-'));
  goods = (await writeGoodSlides(dir, 7, [])).filter((g) => /\.(tif|png)$/.test(g));
  // 196 megapixels of near-black (all "tissue"), 92× expansion: under the readers' size and bomb
  // limits (MAX_FLAT_PIXELS, MAX_FLAT_EXPANSION), a legal file whose reading takes ~7 s here
  bomb = path.join(dir, 'flat.png');
  await writePngBomb(bomb, 14_000, 14_000, { noise: 0.01 });
  // 2 s to read a slide: ~6× what the 1024 × 768 good slides need (on warm threads), under a third of the flat image's
  executor = threadPoolExecutor({ threads: 2, budget: { readSeconds: 2, tileSeconds: 60, heapMb: 512 } });
  const request = (p: string) => ({ path: p, metadata: { mpp: 0.5 } });
  alone = await runSlides(goods.map(request), { params: {}, executor, progress: false });
  const batch = [goods[0], bomb, goods[1]];
  const outcomes = await runSlides(batch.map(request), { params: {}, executor, progress: false });
  mixed = [outcomes[0], outcomes[2], outcomes[1]];
}, 180_000);

afterAll(async () => {
  await executor?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the per-slide budget', () => {
  it('stops a slide that reads past its time and says which budget it exceeded', () => {
    const b = mixed[2];
    expect(b.ok).toBe(false);
    if (b.ok) return;
    expect(b.code).toBe('SLIDE_BUDGET');
    expect(b.error).toBe(`${bomb}: reading and planning the slide took longer than 2 s (SLIDE_READ_TIMEOUT_S); the slide was stopped so the rest of the batch could go on`);
  });

  it('analyses the rest of the batch as it does alone', () => {
    for (const i of [0, 1]) {
      const a = alone[i];
      const m = mixed[i];
      if (!a.ok) throw new Error(a.error);
      if (!m.ok) throw new Error(m.error);
      expect(m.scores).toEqual(a.scores);
      expect(m.scores.cells).toBeGreaterThan(100);
    }
  });

  it('fails a task whose thread outgrows its heap, and the pool carries on', async () => {
    const small = threadPoolExecutor({ threads: 1, budget: { readSeconds: 60, tileSeconds: 60, heapMb: 128 } });
    try {
      // a million tile specs cloned into the thread and parsed there need far more than 128 MiB
      const tiles = Array.from({ length: 1_000_000 }, (_, id) => ({ id, read: { x0: 0, y0: 0, x1: 10, y1: 10 }, core: { x0: 0, y0: 0, x1: 10, y1: 10 } }));
      const job: TileBatchJob = { slidePath: goods[0], level: 0, mpp: 0.5, stain: { ...HDAB_DEFAULT }, i0: 250, params: resolveParams({}), tiles };
      const err = await small.run(job).then(() => undefined, (e: unknown) => e as Error & { code?: string });
      expect(err?.code).toBe('SLIDE_BUDGET');
      expect(err?.message).toBe(`${goods[0]}: a batch of 1000000 tiles needed more than the 128 MiB of memory a worker thread may use (WORKER_HEAP_MB); the slide was stopped so the rest of the batch could go on`);
      // the pool replaced the thread: the same slide's one real tile still reads
      const [good] = await runSlides([{ path: goods[0], metadata: { mpp: 0.5 } }], { params: {}, executor: small, progress: false });
      if (!good.ok) throw new Error(good.error);
      expect(good.scores).toEqual((alone[0] as Extract<SlideOutcome, { ok: true }>).scores);
    } finally {
      await small.close();
    }
  }, 120_000);

  it('brings a typed error back from a thread as its own class, not as an internal error', () => {
    for (const err of [new SlideFormatError('x.tif: tile 3 is corrupt'), new AnalysisError('x.tif: no tissue')]) {
      const rec = threadErrorRecord(err)!;
      // what a worker thread's structured clone keeps
      const back = errorFromRecord(structuredClone(rec));
      expect(back).toBeInstanceOf(err.constructor);
      expect(back.code).toBe(err.code);
      expect(back.message).toBe(err.message);
    }
    expect(threadErrorRecord(new Error('plain'))).toBeUndefined();
  });
});
