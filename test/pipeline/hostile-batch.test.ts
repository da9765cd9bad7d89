import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSlides } from '../../src/cli/run-slides.js';
import { threadPoolExecutor, type TileExecutor } from '../../src/pipeline/executor.js';
import type { SlideOutcome } from '../../src/pipeline/analyse-slide.js';
import { writeGoodSlides, writeHostileCorpus } from '../../src/synthetic/hostile-corpus.js';

// Issue 14: broken files of every builtin and OpenSlide format in one batch with good slides:
// each fails alone with a one-line message naming it (or, where the broken bytes only changed
// pixels, is analysed), and the good slides score exactly as they do alone.
let dir: string;
let executor: TileExecutor;
let goods: string[];
let hostile: string[];
let alone: SlideOutcome[];
let mixed: SlideOutcome[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-hostile-'));
  goods = await writeGoodSlides(dir, 41, ['ndpi', 'scn']);
  hostile = await writeHostileCorpus(goods, dir, { seed: 14, perFile: 3 });
  executor = threadPoolExecutor({ threads: 2 });
  const request = (p: string) => ({ path: p, metadata: { mpp: 0.5 } });
  alone = await runSlides(goods.map(request), { params: {}, executor, progress: false });
  // the good slides first, in the middle and last of the batch
  const batch = [goods[0], ...hostile.slice(0, 20), goods[1], goods[2], ...hostile.slice(20), goods[3], goods[4], goods[5]];
  const outcomes = await runSlides(batch.map(request), { params: {}, executor, progress: false });
  mixed = goods.map((g) => outcomes[batch.indexOf(g)]);
  hostileOutcomes = hostile.map((h) => ({ path: h, outcome: outcomes[batch.indexOf(h)] }));
}, 300_000);

let hostileOutcomes: { path: string; outcome: SlideOutcome }[];

afterAll(async () => {
  await executor?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a batch of hostile files with good slides among them', () => {
  it('has broken copies of every format and the directory loops', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(6 * 6 + 8);
    for (const ext of ['.tif', '.svs', '.png', '.jpg', '.ndpi', '.scn']) expect(hostile.filter((h) => h.endsWith(ext)).length, ext).toBeGreaterThanOrEqual(6);
  });

  it('fails each broken file alone with one line naming it', () => {
    const failed = hostileOutcomes.filter((h) => !h.outcome.ok);
    // cut files and the hand-made ones always fail; some byte flips only change pixels
    expect(failed.length).toBeGreaterThanOrEqual(hostile.filter((h) => !path.basename(h).startsWith('flip')).length);
    for (const { path: p, outcome } of failed) {
      if (outcome.ok) continue;
      expect(outcome.error.startsWith(`${p}: `), outcome.error).toBe(true);
      expect(outcome.error).not.toMatch(/\n|\bat .+:\d+:\d+/);
    }
    const loop = hostileOutcomes.find((h) => h.path.endsWith('ifd-back-loop.tif'))!.outcome;
    expect(loop.ok ? 'ok' : loop.error).toMatch(/image directories loop \(directory 3 points back to offset 8, directory 0's\)/);
  });

  it('analyses every good slide as it does alone', () => {
    for (const [i, g] of goods.entries()) {
      const a = alone[i];
      const m = mixed[i];
      if (!a.ok) throw new Error(a.error);
      if (!m.ok) throw new Error(m.error);
      expect(m.scores, g).toEqual(a.scores);
      expect(m.scores.cells, g).toBeGreaterThan(100);
    }
  });
});
