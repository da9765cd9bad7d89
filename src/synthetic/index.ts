/** The synthetic generator's public surface: plant a scene, render any region, read its truth, write it as a slide. */
export { makeScene, SceneOptions, GRADE_THRESHOLDS, POSITIVE_AREA_THRESHOLD, type Scene, type SceneOptionsInput, type PlantedCell } from './scene.js';
export { renderRegion, renderScratch, type RenderScratch } from './render.js';
export { truthOf, GENERATOR_ID } from './truth-of.js';
export { GroundTruth, TruthCell } from './truth.js';
export { writeSyntheticSlide, truthPathOf, SYNTHETIC_FORMATS, type SyntheticFormat } from './write-slide.js';
