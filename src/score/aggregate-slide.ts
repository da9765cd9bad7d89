import type { TileResult } from '../domain/detection.js';
import { AnalysisError, MetadataError } from '../errors/index.js';
import { SlideScores } from '../domain/scores.js';
import { allredScore } from './allred.js';
import { tissueAreaMm2, perMm2 } from './density.js';
import { gradePercents } from './grade-counts.js';
import { hScore } from './hscore.js';

export interface AggregateOptions {
  /** µm/px of the level the tiles were analysed at */
  mpp: number;
}

/**
 * Per-slide scores from per-tile results (SCIENCE.md "Scores"). Tile results are additive
 * counts, summed exactly in integers, so the order of tiles cannot change the scores.
 * A tile seen twice, or one whose counts contradict each other, is an error rather than
 * something to average over: it means cells would be double counted.
 */
export function aggregateTiles(results: readonly TileResult[], opts: AggregateOptions): SlideScores {
  if (!(opts.mpp > 0 && Number.isFinite(opts.mpp))) {
    throw new MetadataError(`cannot compute areas: the analysis pixel size must be a positive number of µm/px, got ${opts.mpp}`);
  }
  const seen = new Set<number>();
  let tissuePixels = 0;
  let dabPositivePixels = 0;
  const cells: [number, number, number, number] = [0, 0, 0, 0];
  const pixels: [number, number, number, number] = [0, 0, 0, 0];
  for (const tile of results) {
    if (seen.has(tile.tileId)) throw new AnalysisError(`tile ${tile.tileId} was reported twice; its cells would be counted twice`);
    seen.add(tile.tileId);
    const graded = tile.pixelGradeCounts[0] + tile.pixelGradeCounts[1] + tile.pixelGradeCounts[2] + tile.pixelGradeCounts[3];
    if (graded !== tile.tissuePixels) {
      throw new AnalysisError(`tile ${tile.tileId}: pixel grade counts sum to ${graded} but the tile has ${tile.tissuePixels} tissue pixels`);
    }
    if (tile.dabPositivePixels > tile.tissuePixels) {
      throw new AnalysisError(`tile ${tile.tileId}: ${tile.dabPositivePixels} DAB-positive pixels exceed its ${tile.tissuePixels} tissue pixels`);
    }
    tissuePixels += tile.tissuePixels;
    dabPositivePixels += tile.dabPositivePixels;
    for (let g = 0; g < 4; g++) pixels[g] += tile.pixelGradeCounts[g];
    for (const d of tile.detections) {
      if (!(d.grade === 0 || d.grade === 1 || d.grade === 2 || d.grade === 3)) {
        throw new AnalysisError(`tile ${tile.tileId}: a detection has grade ${d.grade}; grades are 0, 1, 2 or 3`);
      }
      cells[d.grade]++;
    }
  }

  const areaMm2 = tissueAreaMm2(tissuePixels, opts.mpp);
  const total = cells[0] + cells[1] + cells[2] + cells[3];
  const positive = total - cells[0];
  const [pctNegative, pct1, pct2, pct3] = gradePercents(cells);
  const allred = allredScore(cells);
  return SlideScores.parse({
    tissueAreaMm2: areaMm2,
    cells: total,
    cellsPerMm2: perMm2(total, areaMm2),
    positiveCells: positive,
    positiveCellsPerMm2: perMm2(positive, areaMm2),
    pctNegative,
    pct1,
    pct2,
    pct3,
    pctPositive: total === 0 ? 0 : (positive * 100) / total,
    hScore: hScore(cells),
    allredProportion: allred.proportion,
    allredIntensity: allred.intensity,
    allred: allred.total,
    pctPositiveArea: tissuePixels === 0 ? 0 : (dabPositivePixels * 100) / tissuePixels,
    pixelHScore: hScore(pixels),
  });
}
