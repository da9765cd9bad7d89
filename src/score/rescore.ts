import type { AreaGrid } from '../domain/area-grid.js';
import type { CorrectionEffect } from '../domain/corrections.js';
import type { TileResult } from '../domain/detection.js';
import type { AnalysisParams } from '../domain/params.js';
import type { ReviewRegion } from '../domain/review.js';
import { AnalysisError, MetadataError } from '../errors/index.js';
import { applyCorrections } from './apply-corrections.js';
import { PolygonIndex } from './polygon-index.js';
import { qcSummary } from './qc-summary.js';
import { scoreSlide, type SlideScoring } from './score-slide.js';

export interface RescoreInput {
  /** the analysis's stored tile results, with detections, fibres, QC records and area grids */
  tiles: readonly TileResult[];
  /** the pathologist's regions and exclusions; polygons in level-0 px */
  regions: readonly ReviewRegion[];
  /** level-0 µm/px of the slide (turns the polygons' px into the µm detections are stored in) */
  slideMpp: number;
  /** µm/px of the level the analysis ran at (its area grids are in that level's px) */
  mpp: number;
  marker?: string;
  /** the analysis's stored, resolved parameters */
  params: AnalysisParams;
  /** the pathologist's corrections in effect (correctionEffects, src/domain/corrections.ts); none when absent */
  corrections?: ReadonlyMap<string, CorrectionEffect>;
}

export interface Rescoring extends SlideScoring {
  /** corrections in effect in these scores ("n corrections") */
  corrections: number;
}

/** Whether a level-0 µm point is analysed: inside a region (or anywhere, when there is none) and in no exclusion. */
export type Keep = (xUm: number, yUm: number) => boolean;

/** The keep rule of a set of regions and exclusions whose polygons are level-0 px at `slideMpp` µm/px. */
export function regionFilter(regions: readonly ReviewRegion[], slideMpp: number): Keep {
  if (!(slideMpp > 0 && Number.isFinite(slideMpp))) throw new MetadataError(`cannot place regions: the slide's level-0 pixel size must be a positive number of µm/px, got ${slideMpp}`);
  const index = (r: ReviewRegion): PolygonIndex => new PolygonIndex(r.polygon.map(([x, y]) => [x * slideMpp, y * slideMpp] as const));
  const include = regions.filter((r) => r.kind === 'region').map(index);
  const exclude = regions.filter((r) => r.kind === 'exclusion').map(index);
  return (x, y) => {
    if (include.length > 0 && !include.some((p) => p.contains(x, y))) return false;
    return !exclude.some((p) => p.contains(x, y));
  };
}

/**
 * Every score of an analysis again, within its regions minus its exclusions, from what the store
 * holds and without re-detection (issue 12). Cells and fibres are kept by centroid. Areas (tissue,
 * % DAB-positive area, pixel H-score) are kept by 16 µm block of the tiles' area grids
 * (src/domain/area-grid.ts), a block counting when its centre is kept: the finest position the
 * store keeps for pixels, so a region's area is exact to within one block along its outline.
 * The marker's scores (CD163 densities by location, infiltrate grades and clusters, IL-1, MHC-I
 * fibres and grade) are the same scorers run on what is kept. QC's automatic exclusions were never
 * counted (the tiles leave them out), so they stay out; the QC summary is the whole slide's.
 * Corrections (src/score/apply-corrections.ts) change the cells and fibres first; the regions then
 * keep what lies inside, added cells included, so a correction outside the regions changes no score
 * (it still counts in `corrections`). With no regions and no corrections the result is the stored
 * scores exactly.
 */
export function rescore(input: RescoreInput): Rescoring {
  const { params, mpp, marker } = input;
  const effects = input.corrections ?? new Map<string, CorrectionEffect>();
  const tiles = applyCorrections(input.tiles, effects, input.slideMpp);
  if (input.regions.length === 0) return { ...scoreSlide(tiles, { mpp, marker, params }), corrections: effects.size };
  const keep = regionFilter(input.regions, input.slideMpp);
  const kept = tiles.map((t) => keepInTile(t, keep, mpp));
  const scoring = scoreSlide(kept, { mpp, marker, params });
  return { ...scoring, qc: qcSummary(input.tiles, { mpp, qc: params.qc }), corrections: effects.size };
}

/** The tile as if only what `keep` keeps had been analysed (its QC record left off: the summary is the slide's). */
function keepInTile(t: TileResult, keep: Keep, mpp: number): TileResult {
  if (!t.areaGrid) {
    throw new AnalysisError(`tile ${t.tileId} has no area grid (stored before regions could be scored); analyse the slide again to score it in regions`);
  }
  const area = keptArea(t.areaGrid, keep, mpp);
  const out: TileResult = {
    tileId: t.tileId,
    detections: t.detections.filter((d) => keep(d.x, d.y)),
    tissuePixels: area.tissue,
    pixelGradeCounts: [area.tissue - area.g1 - area.g2 - area.g3, area.g1, area.g2, area.g3],
    dabPositivePixels: area.dabPositive,
  };
  if (t.fibres) out.fibres = t.fibres.filter((f) => keep(f.x, f.y));
  return out;
}

function keptArea(g: AreaGrid, keep: Keep, mpp: number): { tissue: number; dabPositive: number; g1: number; g2: number; g3: number } {
  const sum = { tissue: 0, dabPositive: 0, g1: 0, g2: 0, g3: 0 };
  const side = g.blockPx * mpp;
  for (let r = 0; r < g.rows; r++) {
    const y = (g.by0 + r + 0.5) * side;
    for (let c = 0; c < g.cols; c++) {
      const b = r * g.cols + c;
      if (g.tissue[b] === 0 || !keep((g.bx0 + c + 0.5) * side, y)) continue;
      sum.tissue += g.tissue[b];
      sum.dabPositive += g.dabPositive[b];
      sum.g1 += g.grade1[b];
      sum.g2 += g.grade2[b];
      sum.g3 += g.grade3[b];
    }
  }
  return sum;
}
