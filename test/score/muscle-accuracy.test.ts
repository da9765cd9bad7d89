import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/domain/params.js';
import { analyseTile } from '../../src/pipeline/analyse-tile.js';
import { aggregateTiles } from '../../src/score/aggregate-slide.js';
import { scoreCd163 } from '../../src/score/cd163.js';
import { CELL_LOCATIONS, maskLocator, type Locate } from '../../src/score/cell-location.js';
import { scoreIl1 } from '../../src/score/il1.js';
import { scoreInfiltrates } from '../../src/score/infiltrates.js';
import { perimysiumFromFibres } from '../../src/score/perimysium-mask.js';
import { estimateBackground } from '../../src/stain/background.js';
import { estimateMacenko } from '../../src/stain/macenko.js';
import { musclePlantedBuffers, plantMuscleInto } from '../../src/synthetic/muscle/planted.js';
import { renderMuscleRegion } from '../../src/synthetic/muscle/render.js';
import { makeMuscleScene, type MuscleScene } from '../../src/synthetic/muscle/scene.js';
import { muscleTruthOf } from '../../src/synthetic/muscle/truth-of.js';
import type { MuscleGroundTruth } from '../../src/synthetic/muscle/truth.js';

/**
 * The muscle scorers against the planted truth of synthetic muscle (tuning seeds only, ≤ 99;
 * ≥ 1000 are held out). Locations come from the planted fibre map (ground-truth geometry) through
 * perimysiumFromFibres + maskLocator; clusters from the planted cell positions; CD163 and IL-1
 * from the real detector on the rendered slide.
 */
const SIZE = 1536;

function truthLocator(scene: MuscleScene, truth: MuscleGroundTruth): Locate {
  const n = scene.width * scene.height;
  const buf = musclePlantedBuffers(n);
  plantMuscleInto(scene, 0, 0, scene.width, scene.height, buf);
  const fibre = new Uint8Array(n);
  for (let i = 0; i < n; i++) fibre[i] = buf.fibre[i] >= 0 ? 1 : 0;
  const perimysium = perimysiumFromFibres(fibre, scene.width, scene.height, scene.mpp);
  const um = scene.mpp;
  return maskLocator({
    width: scene.width,
    height: scene.height,
    mpp: um,
    perimysium,
    fibre,
    vessels: truth.vessels.map((v) => ({ x: v.x, y: v.y, radiusUm: v.outerRadiusUm })),
  });
}

function detect(scene: MuscleScene) {
  const rgb = renderMuscleRegion(scene, 0, 0, scene.width, scene.height);
  const i0 = estimateBackground(rgb.data).i0;
  const stain = estimateMacenko(rgb.data, { i0 }).matrix;
  const tile = { id: 0, read: { x0: 0, y0: 0, x1: scene.width, y1: scene.height }, core: { x0: 0, y0: 0, x1: scene.width, y1: scene.height } };
  return analyseTile(rgb, tile, { mpp: scene.mpp, stain, i0, params: resolveParams({ qc: { enabled: false } }) }); // one tile, no slide plan for QC references
}

describe('muscle scorers on synthetic muscle (tuning seeds)', () => {
  it.each([7, 13])('seed %i: infiltrate location accuracy ≥ 0.85, cluster count and membership exact, CD163 density and % area within 10%', (seed) => {
    const scene = makeMuscleScene({ seed, width: SIZE, height: SIZE, marker: 'CD163' });
    const truth = muscleTruthOf(scene);
    const areaMm2 = truth.scores.tissueAreaMm2;
    const locate = truthLocator(scene, truth);
    const cells = truth.cells.filter((c) => c.kind === 'infiltrate' || c.kind === 'macrophage');

    const located = cells.map((c) => locate(c.x, c.y));
    const accuracy = located.filter((l, i) => l === cells[i].location).length / cells.length;

    // clusters of inflammatory cells from their planted positions
    const inf = scoreInfiltrates(cells.map((c) => ({ x: c.x, y: c.y, grade: 1 })), locate, areaMm2);
    const found = inf.scores.clusters.map((c) => ({ location: c.location, ids: cells.filter((_, i) => inf.clusterOf[i] === c.id).map((x) => x.id).sort((a, b) => a - b) }));
    const planted = truth.clusters.map((c) => ({ location: c.location, ids: c.members.slice().sort((a, b) => a - b) }));
    const clustersByLocation = Object.fromEntries(CELL_LOCATIONS.map((l) => [l, inf.scores.byLocation[l].clusters]));

    // infiltrating (non-macrophage) cells per location, located by the mask locator
    const lymph = truth.cells.filter((c) => c.kind === 'infiltrate');
    const lymphScores = scoreInfiltrates(lymph.map((c) => ({ x: c.x, y: c.y, grade: 0 })), locate, areaMm2, { minGrade: 0 });
    const lymphByLoc = CELL_LOCATIONS.map((l) => `${l} ${lymphScores.scores.byLocation[l].cells}/${truth.scores.infiltrateCountByLocation[l]}`).join(', ');

    // CD163 from the real detector on the rendered slide; tissue area from the truth (see cd163.ts)
    const result = detect(scene);
    const cd = scoreCd163({ cells: result.detections, tiles: [result], mpp: scene.mpp, locate, tissueAreaMm2: areaMm2 });
    const densityErr = Math.abs(cd.positiveCellsPerMm2 - truth.scores.cd163PerMm2) / truth.scores.cd163PerMm2;
    const byLoc = CELL_LOCATIONS.map((l) => `${l} ${cd.byLocation![l].cellsPerMm2.toFixed(1)}/${truth.scores.cd163PerMm2ByLocation[l].toFixed(1)}`).join(', ');
    console.log(
      `seed ${seed}: location accuracy ${accuracy.toFixed(3)} (${cells.length} inflammatory cells); clusters ${found.length} found / ${truth.scores.clusterCount} planted; ` +
        `infiltrates by location (found/truth) ${lymphByLoc}; CD163+ ${cd.positiveCellsPerMm2.toFixed(1)} vs ${truth.scores.cd163PerMm2.toFixed(1)} /mm² (${(densityErr * 100).toFixed(1)}%), ` +
        `by location (found/truth /mm²): ${byLoc}; % CD163+ area ${cd.pctPositiveArea.toFixed(3)} vs ${truth.scores.pctPositiveArea.toFixed(3)}`,
    );

    expect(cells.length).toBeGreaterThan(30);
    expect(accuracy).toBeGreaterThanOrEqual(0.85);
    expect(truth.scores.clusterCount).toBeGreaterThan(0);
    expect(found.sort((a, b) => a.ids[0] - b.ids[0])).toEqual(planted.sort((a, b) => a.ids[0] - b.ids[0]));
    expect(clustersByLocation).toEqual(truth.scores.clusterCountByLocation);
    expect(truth.scores.cd163PerMm2).toBeGreaterThan(30);
    expect(densityErr).toBeLessThanOrEqual(0.1);
    expect(Math.abs(cd.pctPositiveArea - truth.scores.pctPositiveArea) / truth.scores.pctPositiveArea).toBeLessThanOrEqual(0.1);
  });

  it('IL-1Ra "expressed" calls match the planted truth on seeds 2 (expressed) and 3 (not)', () => {
    const calls = [2, 3].map((seed) => {
      const scene = makeMuscleScene({ seed, width: 1024, height: 1024, marker: 'IL-1Ra' });
      const truth = muscleTruthOf(scene);
      const result = detect(scene);
      const s = scoreIl1(aggregateTiles([result], { mpp: scene.mpp }));
      console.log(
        `IL-1Ra seed ${seed}: % positive area ${s.pctPositiveArea.toFixed(2)} (truth ${truth.scores.pctPositiveArea.toFixed(2)}), ` +
          `positive cells ${s.positiveCellsPerMm2.toFixed(1)} /mm² (truth ${truth.scores.positiveCellsPerMm2.toFixed(1)}), expressed ${s.expressed} (truth ${truth.scores.il1Expressed})`,
      );
      return [s.expressed, truth.scores.il1Expressed];
    });
    expect(calls).toEqual([
      [true, true],
      [false, false],
    ]);
  });
});
