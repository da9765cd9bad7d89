import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/domain/params.js';
import { acceptanceFailures, evaluateSlide } from '../../src/eval/evaluate-slide.js';
import { analyseTile } from '../../src/pipeline/analyse-tile.js';
import { aggregateTiles } from '../../src/score/aggregate-slide.js';
import { estimateBackground } from '../../src/stain/background.js';
import { estimateMacenko } from '../../src/stain/macenko.js';
import { HDAB_DEFAULT } from '../../src/stain/vectors.js';
import { makeScene, renderRegion, truthOf } from '../../src/synthetic/index.js';

/**
 * Accuracy against planted truth on tuning seeds (1–99 only; ≥ 1000 are held out). One tile
 * covers the whole 1536² image at 0.5 µm/px, core = whole image.
 */
const SIZE = 1536;

function evaluate(seed: number, stain: 'default' | 'macenko') {
  const scene = makeScene({ seed, width: SIZE, height: SIZE });
  const truth = truthOf(scene);
  const rgb = renderRegion(scene, 0, 0, SIZE, SIZE);
  // one tile alone, no slide plan to give QC its references: the detector without QC
  const params = resolveParams({ qc: { enabled: false } });
  // the pipeline measures OD against the slide's glass (plan-slide.ts); do the same here
  const i0 = estimateBackground(rgb.data).i0;
  const matrix = stain === 'macenko' ? estimateMacenko(rgb.data, { i0 }).matrix : HDAB_DEFAULT;
  const tile = { id: 0, read: { x0: 0, y0: 0, x1: SIZE, y1: SIZE }, core: { x0: 0, y0: 0, x1: SIZE, y1: SIZE } };
  const result = analyseTile(rgb, tile, { mpp: scene.mpp, stain: matrix, i0, params });
  const scores = aggregateTiles([result], { mpp: scene.mpp });
  const e = evaluateSlide(truth, result.detections, scores);
  console.log(
    `seed ${seed} (${stain} vectors): F1 ${e.f1.toFixed(4)} (P ${e.precision.toFixed(4)} R ${e.recall.toFixed(4)}, ${e.detected}/${e.truthCells}), ` +
      `pos/neg ${e.posNegAccuracy.toFixed(4)}, grade ${e.gradeAccuracy.toFixed(4)}, H-score ${e.hScore.found.toFixed(1)} vs ${e.hScore.truth.toFixed(1)}, ` +
      `% pos area ${e.pctPositiveArea.found.toFixed(2)} vs ${e.pctPositiveArea.truth.toFixed(2)}, density ${e.density.found.toFixed(0)} vs ${e.density.truth.toFixed(0)} /mm²`,
  );
  return e;
}

describe('detection accuracy on synthetic tuning slides', () => {
  it.each([1, 2])('seed %i, default H-DAB vectors: meets the acceptance bars with margin', (seed) => {
    const e = evaluate(seed, 'default');
    expect(acceptanceFailures(e)).toEqual([]);
    expect(e.f1).toBeGreaterThanOrEqual(0.97);
    expect(e.gradeAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(e.hScore.error).toBeLessThanOrEqual(5);
    expect(e.density.relError).toBeLessThanOrEqual(0.03);
  });

  it('seed 9 (both stains jittered ≈5°), Macenko-estimated vectors: meets the acceptance bars', () => {
    const e = evaluate(9, 'macenko');
    expect(acceptanceFailures(e)).toEqual([]);
    expect(e.f1).toBeGreaterThanOrEqual(0.97);
  });
});
