import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMuscleRegion } from '../../../src/synthetic/muscle/render.js';
import { makeMuscleScene } from '../../../src/synthetic/muscle/scene.js';
import { muscleTruthOf } from '../../../src/synthetic/muscle/truth-of.js';
import { MuscleGroundTruth } from '../../../src/synthetic/muscle/truth.js';
import { writeMuscleSlide } from '../../../src/synthetic/muscle/write-slide.js';
import { truthPathOf } from '../../../src/synthetic/write-slide.js';

const scene = makeMuscleScene({ seed: 81, width: 900, height: 700, marker: 'MHC-I', mhcPattern: 'perifascicular' });
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bq-muscle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeMuscleSlide', () => {
  it('writes PNG with exactly the rendered pixels and the truth beside it', async () => {
    const path = join(dir, 'muscle.png');
    await writeMuscleSlide(scene, path, 'png');
    const png = await sharp(path).raw().toBuffer();
    expect(Buffer.compare(png, Buffer.from(renderMuscleRegion(scene, 0, 0, scene.width, scene.height).data))).toBe(0);
    const truth = MuscleGroundTruth.parse(JSON.parse(await readFile(truthPathOf(path), 'utf8')));
    expect(truth).toEqual(muscleTruthOf(scene));
    expect(truth.fibres.length).toBeGreaterThan(50);
  });

  it('writes an SVS whose level 0 reads back at full size with the pixel size', async () => {
    const path = join(dir, 'muscle.svs');
    await writeMuscleSlide(scene, path, 'svs');
    const meta = await sharp(path).metadata();
    expect([meta.width, meta.height]).toEqual([900, 700]);
    expect((await readFile(path)).toString('latin1')).toContain('MPP = 0.5000');
  });
});
