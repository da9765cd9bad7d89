/**
 * Ground truth of a scene, from the planted (noise-free, pre-blur) values with the scoring
 * definitions of SCIENCE.md. Pixel counts stream over bands of rows, so memory does not grow
 * with slide size.
 */
import { plantRegion, plantedBuffers } from './planted.js';
import { countPlanted, plantedCountsOf, type PlantedCounts } from './planted-counts.js';
import { GRADE_THRESHOLDS, POSITIVE_AREA_THRESHOLD, type Scene } from './scene.js';
import { GroundTruth, type TruthCell } from './truth.js';

export const GENERATOR_ID = 'biopsy-quant-synthetic/1';

/** pixels per band when streaming the truth pass */
const BAND_PIXELS = 1 << 20;

const cache = new WeakMap<Scene, GroundTruth>();

/** `planted`: the scene's pixel counts when a render already planted every row (sceneSource), else it is planted here. */
export function truthOf(scene: Scene, planted?: PlantedCounts): GroundTruth {
  const hit = cache.get(scene);
  if (hit) return hit;
  const { width, height, mpp } = scene;
  const counts = planted?.complete ? planted : countPixels(scene);
  const { tissue: tissuePixels, positive: positivePixels, tally } = counts;
  const tissueAreaMm2 = (tissuePixels * mpp * mpp) / 1e6;

  // rounded far below anything measurable, to keep truth files small
  const cells: TruthCell[] = scene.cells.map((c) => ({
    id: c.id,
    x: round(c.cx * mpp, 4),
    y: round(c.cy * mpp, 4),
    rx: round(c.rx * mpp, 4),
    ry: round(c.ry * mpp, 4),
    angle: round(c.angle, 5),
    cellRadiusUm: round(c.rc * mpp, 4),
    dab: round(c.dab, 5),
    grade: c.grade,
    touching: c.touching,
  }));
  const n = cells.length;
  const byGrade = [0, 0, 0, 0];
  for (const c of cells) byGrade[c.grade]++;
  const positive = n - byGrade[0];
  const pct = (k: number): number => (n > 0 ? (100 * k) / n : 0);
  const perMm2 = (k: number): number => (tissueAreaMm2 > 0 ? k / tissueAreaMm2 : 0);

  const truth = GroundTruth.parse({
    generator: GENERATOR_ID,
    seed: scene.seed,
    width,
    height,
    mpp,
    compartment: scene.compartment,
    stain: { hematoxylin: [...scene.stain.hematoxylin], dab: [...scene.stain.dab], i0: scene.i0 },
    gradeThresholds: [...GRADE_THRESHOLDS],
    positiveAreaThreshold: POSITIVE_AREA_THRESHOLD,
    tissuePixels,
    tissueAreaMm2,
    cells,
    scores: {
      cellsPerMm2: perMm2(n),
      positiveCellsPerMm2: perMm2(positive),
      pctPositive: pct(positive),
      // SCIENCE.md: H-score = 1·%(1+) + 2·%(2+) + 3·%(3+)
      hScore: pct(byGrade[1]) + 2 * pct(byGrade[2]) + 3 * pct(byGrade[3]),
      pctPositiveArea: tissuePixels > 0 ? (100 * positivePixels) / tissuePixels : 0,
    },
    ...(tally ? { realism: tally.result() } : {}),
  });
  cache.set(scene, truth);
  return truth;
}

/** The scene planted band by band into fresh counts. */
function countPixels(scene: Scene): PlantedCounts {
  const counts = plantedCountsOf(scene);
  return countPlanted(counts, BAND_PIXELS, plantedBuffers, (y0, rows, buf) => void plantRegion(scene, 0, y0, scene.width, rows, buf));
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
