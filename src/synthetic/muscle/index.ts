/** Synthetic muscle sections with ground truth: plant, render any region, read the truth, write a slide. */
export { MuscleOptions, MUSCLE_MARKERS, MHC_PATTERNS, CELL_LOCATIONS, type MuscleOptionsInput, type MuscleMarker, type MhcPattern, type CellLocation } from './options.js';
export { makeMuscleScene, type MuscleScene } from './scene.js';
export { plantMuscleRegion, plantMuscleInto, musclePlantedBuffers, type MusclePlanted } from './planted.js';
export { renderMuscleRegion, muscleSource } from './render.js';
export { locate, CLUSTER_LINK_UM, CLUSTER_MIN_CELLS, PERIVASCULAR_UM, type CellKind } from './cells.js';
export { MHC_POSITIVE_OD, IL1_EXPRESSED_MIN_PCT_AREA, type MhcStatus } from './staining.js';
export { minFeret, type Point } from './polygon.js';
export { MuscleGroundTruth, TruthFibre, TruthMuscleCell, mhcGradeOf } from './truth.js';
export { muscleTruthOf, MUSCLE_GENERATOR_ID } from './truth-of.js';
export { writeMuscleSlide } from './write-slide.js';
