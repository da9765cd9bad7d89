/**
 * Writes a muscle scene as a slide through the same writers as the cell scenes, with its
 * ground truth beside it (`<path>.truth.json`).
 */
import { writeRenderedSlide, type SyntheticFormat, type WriteOptionsInput } from '../write-slide.js';
import { muscleSource } from './render.js';
import type { MuscleScene } from './scene.js';
import { muscleTruthOf } from './truth-of.js';
import { plantedCountsOf } from '../planted-counts.js';

/**
 * `counts`: what the truth is counted into (plantedCountsOf(scene, { mask: true }) keeps the
 * planted tissue mask for the caller; complete once written, unless the format renders tiles).
 */
export async function writeMuscleSlide(scene: MuscleScene, path: string, format: SyntheticFormat, options: WriteOptionsInput = {}, counts = plantedCountsOf(scene)): Promise<void> {
  await writeRenderedSlide(muscleSource(scene, counts), path, format, () => muscleTruthOf(scene, counts), options);
}
