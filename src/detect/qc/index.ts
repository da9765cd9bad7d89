/** Automatic quality control (issue 10 point 4): per-tile masks and statistics, slide-level decisions and verdict. */
export { qcTile, QC_CAUSES, type QcCause, type QcTileInput, type QcTileResult } from './qc-tile.js';
export { qcSlide, type QcSlideResult, type QcVerdict } from './qc-slide.js';
export type { QcBlockStats } from './blocks.js';
export { qcReference, qcDecideTile, type QcTileMasks } from './qc-reference.js';
