import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/domain/params.js';
import { matchCentroids } from '../../src/eval/match.js';
import { analyseSlide, type SlideSuccess } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor, threadPoolExecutor } from '../../src/pipeline/executor.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';

// A tuning seed (held-out seeds start at 1000). 1800 px is not a multiple of any tile size, so
// every tiling has partial tiles and seams through tissue.
const SIZE = 1800;
const TILINGS = [512, 768, 1024] as const;
let dir: string;
let file: string;
const runs = new Map<number, SlideSuccess>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-seams-'));
  file = path.join(dir, 'seams.tif');
  await writeSyntheticSlide(makeScene({ seed: 21, width: SIZE, height: SIZE, cellsPerMm2: 1400 }), file, 'pyramidal-tiff');
  const executor = threadPoolExecutor({ threads: 2 });
  try {
    for (const tileSize of TILINGS) {
      const o = await analyseSlide({ path: file, params: resolveParams({ tileSize }), executor });
      if (!o.ok) throw new Error(o.error);
      runs.set(tileSize, o);
    }
  } finally {
    await executor.close();
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tile seams', () => {
  it(`cell counts agree within 0.5% for tile sizes ${TILINGS.join(', ')}`, () => {
    const counts = TILINGS.map((t) => runs.get(t)!.scores.cells);
    expect(Math.min(...counts)).toBeGreaterThan(700);
    const spread = (Math.max(...counts) - Math.min(...counts)) / Math.max(...counts);
    expect(spread).toBeLessThanOrEqual(0.005);
  });

  it('no centroid is counted twice in any tiling', () => {
    for (const [tileSize, o] of runs) {
      // touching nuclei are planted ≥ 0.75·(r1+r2) ≥ 4.5 µm apart; a double count would sit closer than 1 µm
      const self = matchCentroids(o.detections, o.detections, 1);
      expect(self.tp, `tile size ${tileSize}`).toBe(o.detections.length);
      const d = o.detections;
      const seen = new Set(d.map((c) => `${c.x.toFixed(2)},${c.y.toFixed(2)}`));
      expect(seen.size, `tile size ${tileSize}`).toBe(d.length);
      for (let i = 0; i < d.length; i++) {
        for (let j = i + 1; j < d.length; j++) {
          if (Math.abs(d[i].x - d[j].x) < 1 && Math.abs(d[i].y - d[j].y) < 1) throw new Error(`tile size ${tileSize}: cells ${i} and ${j} within 1 µm`);
        }
      }
    }
  });

  it('the same cells are found whatever the tiling, and tissue area is identical', () => {
    const a = runs.get(512)!;
    const b = runs.get(1024)!;
    const m = matchCentroids(a.detections, b.detections, 1);
    expect(m.f1).toBeGreaterThanOrEqual(0.995);
    expect(b.scores.tissueAreaMm2).toBeCloseTo(a.scores.tissueAreaMm2, 9);
  });

  it('the worker-thread pool and the inline executor give identical scores', async () => {
    const inline = inlineExecutor();
    try {
      const o = await analyseSlide({ path: file, params: resolveParams({ tileSize: 768 }), executor: inline });
      if (!o.ok) throw new Error(o.error);
      expect(o.scores).toEqual(runs.get(768)!.scores);
      expect(o.detections).toEqual(runs.get(768)!.detections);
    } finally {
      await inline.close();
    }
  });
});
