/** Realism of synthetic slides: uneven illumination and artefacts with ground truth (issue 10). */
export { RealismOptions, ARTEFACT_TYPES, MAX_RANDOM_ILLUMINATION, type RealismOptionsInput, type ArtefactType } from './options.js';
export { TruthRealism, TruthArtefact } from './truth.js';
export { drawLabRealism, labCellOptions, labMuscleOptions, LAB_JPEG_QUALITY, LAB_MAX_STAIN_DRIFT_DEG, type LabRealism } from './lab.js';
export { illuminationField, type PlantedRealism } from './geometry.js';
