/**
 * Muscle scenes through the shared renderer (Beer–Lambert, optical blur, sensor noise in
 * src/synthetic/render.ts): any rectangle equals the same crop of the whole image.
 */
import type { RgbRaster } from '../../image/raster.js';
import type { PlantedCounts } from '../planted-counts.js';
import { countingPlanter, renderPlanted, renderScratch, type RenderScratch, type RenderSource } from '../render.js';
import { plantMuscleRegion } from './planted.js';
import type { MuscleScene } from './scene.js';

export function renderMuscleRegion(scene: MuscleScene, x0: number, y0: number, w: number, h: number, scratch?: RenderScratch, out?: RgbRaster): RgbRaster {
  return renderPlanted(scene, (px, py, pw, ph, buf) => plantMuscleRegion(scene, px, py, pw, ph, buf), x0, y0, w, h, scratch, out);
}

/** The scene as the slide writers see it; `counts`: fed the planted rows of every full-width region rendered (countingPlanter). */
export function muscleSource(scene: MuscleScene, counts?: PlantedCounts): RenderSource {
  return {
    width: scene.width,
    height: scene.height,
    mpp: scene.mpp,
    scratch: (w, h, reuse) => renderScratch(w, h, scene, reuse),
    region: (x0, y0, w, h, scratch, out) => renderPlanted(scene, countingPlanter((px, py, pw, ph, buf) => plantMuscleRegion(scene, px, py, pw, ph, buf), counts, x0, y0, w, h), x0, y0, w, h, scratch, out),
  };
}
