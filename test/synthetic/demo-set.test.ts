import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Manifest } from '../../src/domain/manifest.js';
import { DEMO_SLIDES } from '../../src/synthetic/make-demo-set.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { truthOf } from '../../src/synthetic/truth-of.js';
import { GroundTruth } from '../../src/synthetic/truth.js';

const SLIDES = path.resolve(import.meta.dirname, '../../slides');

describe('shipped demo set (slides/)', () => {
  it('has a valid manifest naming every demo slide, with mpp only where the file has none', async () => {
    const manifest = Manifest.parse(JSON.parse(await readFile(path.join(SLIDES, 'manifest.json'), 'utf8')));
    expect(manifest.slides.map((s) => s.file)).toEqual(DEMO_SLIDES.map((d) => d.file));
    for (const s of manifest.slides) {
      expect(s.patient).toMatch(/^P\d\d$/);
      expect(['baseline', 'month-6']).toContain(s.timepoint);
      expect(s.mpp !== undefined).toBe(s.file.endsWith('.jpg'));
    }
  });

  it('ships slides and truth files that match the generator for their recipe', async () => {
    for (const d of DEMO_SLIDES) {
      const scene = makeScene(d.scene);
      const file = path.join(SLIDES, d.file);
      const meta = await sharp(file).metadata();
      expect([meta.width, meta.height]).toEqual([scene.width, scene.height]);
      const shipped = GroundTruth.parse(JSON.parse(await readFile(`${file}.truth.json`, 'utf8')));
      expect(shipped).toEqual(truthOf(scene));
    }
  });

  it('varies positivity and density across slides and stays small', async () => {
    const truths = await Promise.all(DEMO_SLIDES.map(async (d) => GroundTruth.parse(JSON.parse(await readFile(path.join(SLIDES, `${d.file}.truth.json`), 'utf8')))));
    const pct = truths.map((t) => t.scores.pctPositive);
    const density = truths.map((t) => t.scores.cellsPerMm2);
    expect(Math.max(...pct) - Math.min(...pct)).toBeGreaterThan(30);
    expect(Math.max(...density) / Math.min(...density)).toBeGreaterThan(1.4);
    let bytes = 0;
    for (const d of DEMO_SLIDES) {
      bytes += (await readFile(path.join(SLIDES, d.file))).length;
      bytes += (await readFile(path.join(SLIDES, `${d.file}.truth.json`))).length;
    }
    expect(bytes).toBeLessThan(4.2e6);
  });
});
