/**
 * Writes a muscle scene as a slide through the same writers as the cell scenes, with its
 * ground truth beside it (`<path>.truth.json`).
 */
import { writeRenderedSlide, type SyntheticFormat, type WriteOptionsInput } from '../write-slide.js';
import { muscleSource } from './render.js';
import type { MuscleScene } from './scene.js';
import { muscleTruthOf } from './truth-of.js';
import { plantedCountsOf } from '../planted-counts.js';

export async function writeMuscleSlide(scene: MuscleScene, path: string, format: SyntheticFormat, options: WriteOptionsInput = {}): Promise<void> {
  const counts = plantedCountsOf(scene);
  await writeRenderedSlide(muscleSource(scene, counts), path, format, () => muscleTruthOf(scene, counts), options);
}
