import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderRegion } from '../../src/synthetic/render.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide, type SyntheticFormat } from '../../src/synthetic/write-slide.js';

const scene = makeScene({ seed: 33, width: 700, height: 600 });
const rendered = renderRegion(scene, 0, 0, scene.width, scene.height);
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bq-quality-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** mean absolute difference of level 0 against the rendered pixels */
async function error(path: string): Promise<number> {
  const { data } = await sharp(path, { page: 0 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let s = 0;
  for (let i = 0; i < rendered.data.length; i++) s += Math.abs(data[i] - rendered.data[i]);
  return s / rendered.data.length;
}

describe('slide writers: JPEG quality', () => {
  it.each([['jpeg'], ['pyramidal-tiff'], ['svs']] as [SyntheticFormat][])('%s at quality 70 is smaller and further from the render than at 90', async (format) => {
    const at = async (quality: number) => {
      const path = join(dir, `q${quality}.${format}`);
      await writeSyntheticSlide(scene, path, format, { quality });
      return { size: (await stat(path)).size, error: await error(path) };
    };
    const q70 = await at(70);
    const q90 = await at(90);
    expect(q70.size).toBeLessThan(0.85 * q90.size);
    expect(q70.error).toBeGreaterThan(q90.error);
    expect(q90.error).toBeLessThan(3);
  });

  it('refuses a quality outside 1–100, naming it', async () => {
    await expect(writeSyntheticSlide(scene, join(dir, 'bad.jpg'), 'jpeg', { quality: 101 })).rejects.toThrow(/quality/);
  });
});
