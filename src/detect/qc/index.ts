/**
 * Automatic quality control (issue 10 point 4): per-tile masks and statistics, slide-level decisions and verdict.
 * Entry points unchanged: qcTile(input, params.qc) per tile (give it the tile WITH its overlap if
 * the caller wants bubbles cut by a tile border seen whole; blocks are then on the overlapped
 * raster), qcSlide(tiles, params.qc) once per slide. QcBlockStats now also carries hFloor (the
 * hematoxylin floor per block) for the fold decision.
 */
export { qcTile, QC_CAUSES, type QcCause, type QcTileInput, type QcTileResult } from './qc-tile.js';
export { qcSlide, type QcSlideResult, type QcVerdict } from './qc-slide.js';
export type { QcBlockStats } from './blocks.js';
export { qcReference, qcDecideTile, type QcTileMasks } from './qc-reference.js';
