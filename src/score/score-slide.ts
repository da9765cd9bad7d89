import type { Detection, TileResult } from '../domain/detection.js';
import { AnalysisError } from '../errors/index.js';
import { findMarker, runsScorer } from '../domain/marker.js';
import type { AnalysisParams } from '../domain/params.js';
import type { SlideScores } from '../domain/scores.js';
import { aggregateTiles } from './aggregate-slide.js';
import type { Locate } from './cell-location.js';
import { scoreMarker, type MarkerScores } from './marker-scores.js';
import { qcSummary } from './qc-summary.js';
import { locationShortfall, requireFibres } from './muscle-structure.js';
import type { QcSummary } from '../domain/qc.js';

export interface SlideScoring {
  scores: SlideScores;
  /** null when the slide has no known marker */
  markerScores: MarkerScores | null;
  /** what quality control excluded and its verdict; null when the slide was analysed without QC */
  qc: QcSummary | null;
}

/**
 * A slide's scores from its tile results: the generic ones (aggregate-slide.ts) and the marker's
 * (marker-scores.ts). One function for embedded mode and the service's aggregate job, so both
 * give the same numbers from the same tiles. `params` are the slide's resolved parameters (the
 * stored ones): the scorers' thresholds come from them, and muscle scoring from params.muscle.
 */
export function scoreSlide(results: readonly TileResult[], opts: { mpp: number; marker?: string; params: AnalysisParams }): SlideScoring {
  const { params } = opts;
  const muscle = params.muscle.enabled === true;
  const scores = aggregateTiles(results, { mpp: opts.mpp });
  const qc = qcSummary(results, { mpp: opts.mpp, qc: params.qc });
  const spec = opts.marker === undefined ? undefined : findMarker(opts.marker);
  // a marker graded on fibres (MHC-I) fails without them; one scored on located cells (CD163, the
  // infiltrate markers) keeps its location-free scores and withholds the located ones, with the
  // reason, when fibres or fascicles are missing (muscle-structure.ts)
  let noLocation: string | null = null;
  if (muscle && spec) {
    // judged on the whole section: QC's excluded tissue and the fibres it left out count (muscle-structure.ts)
    const sectionMm2 = scores.tissueAreaMm2 + (qc?.excludedMm2 ?? 0);
    if (runsScorer(spec, 'mhc1')) requireFibres(results, sectionMm2, params.muscle.minFibreCoverage);
    else if (runsScorer(spec, 'cd163') || runsScorer(spec, 'infiltrates')) noLocation = locationShortfall(results, sectionMm2, params.muscle);
  }
  if (!spec) return { scores, markerScores: null, qc };
  const cells = results.flatMap((r) => r.detections);
  const markerScores = scoreMarker({
    marker: spec.id,
    slide: scores,
    cells,
    tiles: results,
    mpp: opts.mpp,
    locate: muscle && noLocation === null ? locateFromDetections(cells) : undefined,
    noLocationReason: noLocation ?? undefined,
    fibres: muscle ? results.flatMap((r) => r.fibres ?? []) : undefined,
    infiltrateOptions: params.infiltrates,
    il1Thresholds: params.il1,
    cd163MinGrade: params.cd163.minGrade,
    mhc1: params.mhc1,
  });
  return { scores, markerScores, qc };
}

/** The locations the tiles gave each cell (analyse-muscle-tile.ts), looked up by centroid. */
function locateFromDetections(cells: readonly Detection[]): Locate {
  const at = new Map<string, NonNullable<Detection['location']>>();
  for (const c of cells) if (c.location) at.set(`${c.x},${c.y}`, c.location);
  return (x, y) => {
    const loc = at.get(`${x},${y}`);
    if (!loc) throw new AnalysisError(`the cell at (${x}, ${y}) µm has no location; was the slide analysed as muscle?`);
    return loc;
  };
}
