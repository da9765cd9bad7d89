/**
 * Synthetic training and evaluation material for the nucleus model: the hematoxylin plane a
 * scene gives after rendering and deconvolution (as the pipeline computes it), the planted
 * interior target, and centroid F1 against the scene's truth.
 */
import { ACCEPTANCE } from '../eval/evaluate-slide.js';
import { matchCentroids, type MatchResult } from '../eval/match.js';
import type { FloatPlane } from '../image/raster.js';
import { estimateBackground } from '../stain/background.js';
import { deconvolve } from '../stain/deconvolve.js';
import { estimateMacenko } from '../stain/macenko.js';
import { plantRegion, plantedBuffers } from '../synthetic/planted.js';
import { makeScene, renderRegion, truthOf, type Scene } from '../synthetic/index.js';
import { interiorTarget } from './model-targets.js';
import type { Nucleus } from '../detect/nuclei.js';

export interface SceneSample {
  scene: Scene;
  hematoxylin: FloatPlane;
  /** 1 = nucleus interior (touching contacts cut), from the planted scene */
  target: Uint8Array;
}

/** A square scene at 0.5 µm/px: rendered, I0 from its glass, Macenko vectors (the pipeline default). */
export function sceneSample(seed: number, size: number): SceneSample {
  const scene = makeScene({ seed, width: size, height: size });
  const rgb = renderRegion(scene, 0, 0, size, size);
  const i0 = estimateBackground(rgb.data).i0;
  const matrix = estimateMacenko(rgb.data, { i0 }).matrix;
  const hematoxylin = deconvolve(rgb, matrix, i0).hematoxylin;
  const planted = plantRegion(scene, 0, 0, size, size, plantedBuffers(size * size));
  const target = interiorTarget(planted.nucleusH, planted.owner, size, size, new Uint8Array(size * size));
  return { scene, hematoxylin, target };
}

/** Centroid matching of detected nuclei (px) against the scene's cells at the 4 µm radius of issue 2. */
export function nucleusMatch(scene: Scene, nuclei: readonly Nucleus[]): MatchResult {
  const found = nuclei.map((n) => ({ x: n.cx * scene.mpp, y: n.cy * scene.mpp }));
  return matchCentroids(truthOf(scene).cells, found, ACCEPTANCE.matchRadiusUm);
}
