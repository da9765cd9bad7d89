import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paramsForMarker } from '../../src/domain/marker.js';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';

// Issue 18 point 3 end to end: an MHC-I slide on which no muscle fibres are found (here a cell
// smear-like section, tuning seed 5) is a failed slide with the message, not "grade 0".
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-no-fibres-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a muscle-marker slide without muscle fibres', () => {
  it('fails with "no muscle fibres found" and the coverage, instead of an MHC-I grade', async () => {
    const file = path.join(dir, 'cells.png');
    await writeSyntheticSlide(makeScene({ seed: 5, width: 768, height: 768 }), file, 'png');
    const o = await analyseSlide({ path: file, metadata: { marker: 'MHC-I' }, params: paramsForMarker('MHC-I'), executor: inlineExecutor() });
    expect(o.ok).toBe(false);
    if (o.ok) return;
    expect(o.code).toBe('ANALYSIS');
    expect(o.error).toMatch(/QC failed: no muscle fibres found — \d+ segmented fibres? cover \d+\.\d% of the 0\.\d{3} mm² of tissue/);
  });
});
