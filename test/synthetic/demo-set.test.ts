import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Manifest } from '../../src/domain/manifest.js';
import { DEMO_SLIDES } from '../../src/synthetic/make-demo-set.js';
import { makeMuscleScene, muscleTruthOf, MuscleGroundTruth } from '../../src/synthetic/muscle/index.js';

const SLIDES = path.resolve(import.meta.dirname, '../../slides');

async function shippedTruth(file: string): Promise<MuscleGroundTruth> {
  return MuscleGroundTruth.parse(JSON.parse(await readFile(path.join(SLIDES, `${file}.truth.json`), 'utf8')));
}

describe('shipped demo set (slides/)', () => {
  it('has a valid manifest naming every demo slide, with mpp only where the file has none', async () => {
    const manifest = Manifest.parse(JSON.parse(await readFile(path.join(SLIDES, 'manifest.json'), 'utf8')));
    expect(manifest.slides.map((s) => s.file)).toEqual(DEMO_SLIDES.map((d) => d.file));
    expect(manifest.slides.map((s) => [s.patient, s.timepoint, s.marker])).toEqual([
      ['P01', 'baseline', 'CD163'],
      ['P01', 'month-6', 'CD163'],
      ['P02', 'baseline', 'IL-1Ra'],
      ['P02', 'month-6', 'IL-1Ra'],
    ]);
    for (const s of manifest.slides) {
      expect(s.truth).toBe(`${s.file}.truth.json`);
      expect(s.mpp !== undefined).toBe(s.file.endsWith('.jpg'));
    }
  });

  it('ships muscle sections whose files and truth match the muscle generator for their recipe', async () => {
    for (const d of DEMO_SLIDES) {
      // seeds below 1000: the held-out sets start at 1000
      expect(d.scene.seed).toBeLessThan(1000);
      expect(d.scene.marker).toBe(d.marker);
      const scene = makeMuscleScene(d.scene);
      const file = path.join(SLIDES, d.file);
      const meta = await sharp(file).metadata();
      expect([meta.width, meta.height]).toEqual([scene.width, scene.height]);
      expect(await shippedTruth(d.file)).toEqual(muscleTruthOf(scene));
    }
  });

  it('lab light only: a few percent of gradient and vignetting, no artefacts', async () => {
    for (const d of DEMO_SLIDES) {
      const { realism } = await shippedTruth(d.file);
      expect(realism!.artefacts).toEqual([]);
      expect(realism!.illumination.gradient).toBeGreaterThan(0.01);
      expect(realism!.illumination.gradient).toBeLessThanOrEqual(0.06);
      expect(realism!.illumination.vignette).toBeGreaterThan(0.01);
      expect(realism!.illumination.vignette).toBeLessThanOrEqual(0.06);
    }
  });

  it('tells the story: P01 CD163+ macrophages recede, P02 IL-1Ra is expressed only at month 6; slides/ stays small', async () => {
    const [p01b, p01m6, p02b, p02m6] = await Promise.all(DEMO_SLIDES.map((d) => shippedTruth(d.file)));
    expect(p01b.scores.cd163PerMm2).toBeGreaterThan(3 * p01m6.scores.cd163PerMm2);
    expect(p01m6.scores.cd163PerMm2).toBeGreaterThan(30);
    // CD163+ cells in all three places at baseline, so the location split has something to split
    for (const l of ['endomysial', 'perimysial', 'perivascular'] as const) expect(p01b.scores.cd163PerMm2ByLocation[l]).toBeGreaterThan(10);
    expect([p02b.scores.il1Expressed, p02m6.scores.il1Expressed]).toEqual([false, true]);
    expect(p02m6.scores.pctPositiveArea).toBeGreaterThan(p02m6.rules.il1ExpressedMinPctArea);
    expect(p02b.scores.pctPositiveArea).toBe(0);
    for (const t of [p01b, p01m6, p02b, p02m6]) expect(t.scores.fibreCount).toBeGreaterThan(40);
    let bytes = 0;
    for (const d of DEMO_SLIDES) {
      bytes += (await readFile(path.join(SLIDES, d.file))).length;
      bytes += (await readFile(path.join(SLIDES, `${d.file}.truth.json`))).length;
    }
    expect(bytes).toBeLessThan(3.5e6);
  });
});
