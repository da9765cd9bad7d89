import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paramsForMarker } from '../../src/domain/marker.js';
import { analyseSlide, type SlideOutcome } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import { makeMuscleScene, muscleTruthOf, writeMuscleSlide, type MuscleScene } from '../../src/synthetic/muscle/index.js';

// A whole-field MHC-I section (no glass in view) photographed with its background at 225 of 255
// (a dim lamp, no white balance), dark fibres and vessels in its septa: the glass its lumens show
// is the background, where the white point would add ~0.05 OD to every channel of every pixel.
// Seed 7200 was never used while tuning.
const BACKGROUND = 225;
let dir: string;
let scene: MuscleScene;
let lumen: SlideOutcome;
let whitePoint: SlideOutcome;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-lumen-i0-'));
  scene = makeMuscleScene({ seed: 7200, width: 1024, height: 1024, mpp: 0.5, marker: 'MHC-I', mhcPattern: 'focal', i0: BACKGROUND, sectionMarginUm: 0, vesselsPerMm2: 15, fibreHOd: [0.068, 0.077] });
  const file = path.join(dir, 'section.png');
  await writeMuscleSlide(scene, file, 'png');
  const run = (user: object) => analyseSlide({ path: file, metadata: { marker: 'MHC-I', mpp: 0.5 }, params: paramsForMarker('MHC-I', user), executor: inlineExecutor() });
  lumen = await run({});
  whitePoint = await run({ stain: { lumenI0MinOd: 10 } });
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('I0 from vessel lumens when no glass is in view', () => {
  it('takes the background from the lumens (within 3 %: small lumens read a little of their walls) and says so', () => {
    if (!lumen.ok || !whitePoint.ok) throw new Error('analysis failed');
    expect(whitePoint.provenance.i0).toBe(255);
    expect(Math.abs((lumen.provenance.i0 as number) - BACKGROUND) / BACKGROUND).toBeLessThanOrEqual(0.03);
    expect(lumen.provenance.stainNote).toMatch(/from the glass seen through vessel lumens/);
  });

  it('grades MHC-I as planted, where the white point called negative fibres positive', () => {
    if (!lumen.ok || !whitePoint.ok) throw new Error('analysis failed');
    const truth = muscleTruthOf(scene);
    const pct = (100 * truth.fibres.filter((f) => f.positive).length) / truth.fibres.length;
    console.log(`% MHC-I positive fibres: planted ${pct.toFixed(1)}, lumen I0 ${lumen.markerScores?.mhc1?.percentPositive.toFixed(1)}, white point ${whitePoint.markerScores?.mhc1?.percentPositive.toFixed(1)}`);
    expect(Math.abs(lumen.markerScores!.mhc1!.percentPositive - pct)).toBeLessThanOrEqual(1);
    expect(lumen.markerScores!.mhc1!.grade).toBe(truth.scores.mhcGrade);
    // every fibre's DAB reads higher against the white point (measured 7.8 % positive)
    expect(whitePoint.markerScores!.mhc1!.percentPositive - pct).toBeGreaterThan(2);
  });
});
