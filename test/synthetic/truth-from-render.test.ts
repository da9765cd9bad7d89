import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMuscleScene, muscleSource, muscleTruthOf, writeMuscleSlide, type MuscleOptionsInput } from '../../src/synthetic/muscle/index.js';
import { plantedCountsOf } from '../../src/synthetic/planted-counts.js';
import { makeScene, truthOf, type SceneOptionsInput } from '../../src/synthetic/index.js';
import { renderScratch } from '../../src/synthetic/render.js';
import { truthPathOf, writeSyntheticSlide, type SyntheticFormat } from '../../src/synthetic/write-slide.js';

// A slide writer hands the truth the pixel counts its render planted on the way (PlantedCounts),
// instead of the truth planting the scene again: the truth must be the same to the last digit,
// whether the render fed it or not, for every format and every kind of scene.
const RAW = { gradient: 0.05, vignette: 0.04 };
const MUSCLE: Record<string, MuscleOptionsInput> = {
  'rectangular section, IL-1a': { seed: 5, width: 416, height: 352, marker: 'IL-1a', il1Expressed: true, sectionMarginUm: 40 },
  'round section, MHC-I, every artefact': { seed: 6, width: 384, height: 400, marker: 'MHC-I', sectionMarginUm: 30, sectionShape: 'round', realism: { ...RAW, artefacts: { fold: 1, ice: 2, pen: 1, bubble: 1, focus: 1 } } },
  'whole field, CD163': { seed: 7, width: 352, height: 320, marker: 'CD163' },
};
const CELLS: Record<string, SceneOptionsInput> = {
  'cells with artefacts and stroma': { seed: 8, width: 400, height: 336, realism: { ...RAW, artefacts: { fold: 1, pen: 1, bubble: 1, focus: 1 } }, stromaTexture: { h: 0.15, dab: 0.06, spacingUm: 3, lengthUm: 25, granules: 0.15 } },
  'plain cells': { seed: 9, width: 300, height: 280 },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-truth-render-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const written = async (file: string): Promise<unknown> => JSON.parse(await readFile(truthPathOf(file), 'utf8'));
const planted = (t: unknown): unknown => JSON.parse(JSON.stringify(t));

describe('the truth a slide writer writes from its own render equals the truth planted afresh', () => {
  for (const [name, o] of Object.entries(MUSCLE)) {
    for (const format of ['tiled-tiff', 'png', 'ome-tiff'] as SyntheticFormat[]) {
      it(`muscle, ${name}, ${format}`, async () => {
        const file = path.join(dir, `${name}-${format}`.replace(/\W+/g, '_') + (format === 'png' ? '.png' : '.tif'));
        await writeMuscleSlide(makeMuscleScene(o), file, format);
        const fresh = muscleTruthOf(makeMuscleScene(o));
        expect(fresh.tissuePixels).toBeGreaterThan(0);
        expect(await written(file)).toStrictEqual(planted(fresh));
      }, 60_000);
    }
  }
  for (const [name, o] of Object.entries(CELLS)) {
    for (const format of ['tiff', 'jpeg'] as SyntheticFormat[]) {
      it(`cells, ${name}, ${format}`, async () => {
        const file = path.join(dir, `${name}-${format}`.replace(/\W+/g, '_') + (format === 'jpeg' ? '.jpg' : '.tif'));
        await writeSyntheticSlide(makeScene(o), file, format);
        expect(await written(file)).toStrictEqual(planted(truthOf(makeScene(o))));
      }, 60_000);
    }
  }

  it('counts only full-width regions, each row once; anything else leaves the truth to plant the scene itself', () => {
    const scene = makeMuscleScene(MUSCLE['round section, MHC-I, every artefact']);
    const whole = plantedCountsOf(scene);
    const src = muscleSource(scene, whole);
    const scratch = renderScratch(scene.width, 100, scene);
    for (let y = 0; y < scene.height; y += 100) src.region(0, y, scene.width, Math.min(100, scene.height - y), scratch);
    expect(whole.complete).toBe(true);
    const fresh = muscleTruthOf(makeMuscleScene(MUSCLE['round section, MHC-I, every artefact']));
    expect([whole.tissue, whole.positive]).toEqual([fresh.tissuePixels, Math.round((fresh.scores.pctPositiveArea * fresh.tissuePixels) / 100)]);

    const tiles = plantedCountsOf(scene);
    muscleSource(scene, tiles).region(0, 0, 128, 128);
    expect(tiles.tissue).toBe(0);
    expect(tiles.complete).toBe(false);

    const twice = plantedCountsOf(scene);
    const s2 = muscleSource(scene, twice);
    s2.region(0, 0, scene.width, scene.height);
    s2.region(0, 0, scene.width, 10);
    expect(twice.complete).toBe(false);
  });
});
