/**
 * MHC class I on muscle fibres (SCIENCE.md "MHC class I"): normal fibres are negative; in myositis
 * the sarcolemma (border ring) and/or the sarcoplasm (interior) stain. Fibre positivity, % positive
 * fibres, the Das et al. grade 0–5 and a pattern hint (diffuse / focal / perifascicular).
 */

/** What the scorer needs of a fibre (segmentFibres' Fibre has all of it). */
export interface Mhc1Fibre {
  /** centroid, µm */
  x: number;
  y: number;
  /** mean DAB OD of the border ring (sarcolemmal) and of the interior (sarcoplasmic) */
  ringDab: number;
  interiorDab: number;
  /** on the edge of its fascicle (next to perimysium) */
  perifascicular: boolean;
  /** a pathologist's call (issue 12 corrections); when set it decides instead of the thresholds */
  mhc1Positive?: boolean;
}

import { MHC1_GRADE_UPPER_PCT, Mhc1Params } from '../domain/params.js';
import { fibreNeighbours, type FibreNeighbours } from './fibre-neighbours.js';

/** When a fibre is MHC-I positive, and the pattern rule's numbers: AnalysisParams.mhc1 (params.ts: defaults and why). */
export type Mhc1Thresholds = Mhc1Params;
export const MHC1_THRESHOLDS: Mhc1Thresholds = Mhc1Params.parse({});

export type Mhc1Pattern = 'none' | 'diffuse' | 'focal' | 'perifascicular';
export type Mhc1Grade = 0 | 1 | 2 | 3 | 4 | 5;

export interface Mhc1Score {
  fibres: number;
  positive: number;
  /** 0–100; 0 when there are no fibres */
  percentPositive: number;
  grade: Mhc1Grade;
  pattern: Mhc1Pattern;
  /** per fibre, in input order */
  positiveFlags: boolean[];
  /** pattern evidence: positive fraction at fascicle edges and inside, and the neighbour clustering */
  edgeFraction: number;
  interiorFraction: number;
  /** fraction of a positive fibre's neighbours that are positive (mean over positives), NaN if no positives */
  positiveNeighbourFraction: number;
  /** the same for negative fibres and negative neighbours, NaN if no negatives */
  negativeNeighbourFraction: number;
}

export function isMhc1Positive(f: Pick<Mhc1Fibre, 'ringDab' | 'interiorDab' | 'mhc1Positive'>, t: Pick<Mhc1Thresholds, 'ring' | 'interior'> = MHC1_THRESHOLDS): boolean {
  return f.mhc1Positive ?? (f.ringDab >= t.ring || f.interiorDab >= t.interior);
}

/**
 * Das et al. grade from counts (integer arithmetic, so 10%, 25% and 50% fall exactly on their
 * boundary): 0 no positive fibre; 1 0 < p ≤ 10%; 2 10 < p ≤ 25%; 3 25 < p ≤ 50%; 4 50% < p < 100%;
 * 5 every fibre positive. No fibres → 0.
 */
export function mhc1Grade(positive: number, total: number): Mhc1Grade {
  if (!Number.isInteger(positive) || !Number.isInteger(total) || positive < 0 || positive > total) {
    throw new RangeError(`MHC-I grade needs 0 ≤ positive ≤ total integers, got ${positive}/${total}`);
  }
  if (positive === 0) return 0;
  if (positive === total) return 5;
  const p100 = positive * 100;
  const [g1, g2, g3] = MHC1_GRADE_UPPER_PCT;
  if (p100 <= g1 * total) return 1;
  if (p100 <= g2 * total) return 2;
  if (p100 <= g3 * total) return 3;
  return 4;
}

/**
 * Pattern rule (documented here, tested in test/score/mhc1.test.ts):
 * - none: no positive fibre.
 * - perifascicular: at least patternMinEach fibres both at fascicle edges and inside, the edge positive
 *   fraction ≥ perifascicularMinEdge and ≥ perifascicularRatio × the interior fraction (positives concentrated at the
 *   perimysial rim — the dermatomyositis picture).
 * - focal: some but not all fibres positive, and one class clusters: a positive fibre's neighbours
 *   (centroids within neighbourFactor × the median nearest-neighbour distance) are positive more
 *   often than chance by focalExcess (mean neighbour-positive fraction − overall fraction), or
 *   the same holds for negative fibres (a large focus leaves the negatives in a patch).
 * - diffuse: otherwise (positives spread over the section).
 */

export function scoreMhc1(fibres: readonly Mhc1Fibre[], t: Mhc1Thresholds = MHC1_THRESHOLDS): Mhc1Score {
  const n = fibres.length;
  const flags = fibres.map((f) => isMhc1Positive(f, t));
  const positive = flags.filter(Boolean).length;
  const grade = mhc1Grade(positive, n);
  let edgeN = 0;
  let edgeP = 0;
  for (let i = 0; i < n; i++) {
    if (!fibres[i].perifascicular) continue;
    edgeN++;
    if (flags[i]) edgeP++;
  }
  const intN = n - edgeN;
  const intP = positive - edgeP;
  const edgeFraction = edgeN ? edgeP / edgeN : 0;
  const interiorFraction = intN ? intP / intN : 0;
  const neighbours = fibreNeighbours(fibres);
  const radius = neighbourRadius(neighbours.nearest, t.neighbourFactor);
  const positiveNeighbourFraction = sameClassNeighbourFraction(neighbours, flags, true, radius);
  const negativeNeighbourFraction = sameClassNeighbourFraction(neighbours, flags, false, radius);
  const p = n ? positive / n : 0;
  const clustered = positiveNeighbourFraction - p >= t.focalExcess || negativeNeighbourFraction - (1 - p) >= t.focalExcess;

  let pattern: Mhc1Pattern = 'diffuse';
  if (positive === 0) pattern = 'none';
  else if (edgeN >= t.patternMinEach && intN >= t.patternMinEach && edgeFraction >= t.perifascicularMinEdge && edgeFraction >= t.perifascicularRatio * interiorFraction) {
    pattern = 'perifascicular';
  } else if (positive < n && clustered) pattern = 'focal';

  return {
    fibres: n,
    positive,
    percentPositive: n ? (100 * positive) / n : 0,
    grade,
    pattern,
    positiveFlags: flags,
    edgeFraction,
    interiorFraction,
    positiveNeighbourFraction,
    negativeNeighbourFraction,
  };
}

/**
 * Mean over fibres of class `cls` of the fraction of their neighbours in the same class. Neighbours
 * are found on a point grid: a 10 000² section has ~5 000 fibres, where all pairs took 3.6 s. The
 * distances are the all-pairs ones (same hypot, same comparisons, same summing order), so the
 * fractions are bit-identical to them (test/score/mhc1-neighbours.test.ts).
 */
function sameClassNeighbourFraction(neighbours: FibreNeighbours, flags: readonly boolean[], cls: boolean, radius: number): number {
  const n = flags.length;
  if (n < 2) return Number.NaN;
  let sum = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    if (flags[i] !== cls) continue;
    let nb = 0;
    let pos = 0;
    neighbours.forEachWithin(i, radius, (j) => {
      nb++;
      if (flags[j] === cls) pos++;
    });
    if (nb === 0) continue;
    sum += pos / nb;
    counted++;
  }
  return counted ? sum / counted : Number.NaN;
}

/** neighbourFactor × the median nearest-neighbour distance (NaN for fewer than 2 fibres, where no fraction is taken) */
function neighbourRadius(nearest: Float64Array, neighbourFactor: number): number {
  if (nearest.length < 2) return Number.NaN;
  const sorted = Array.from(nearest).sort((a, b) => a - b);
  return neighbourFactor * sorted[(nearest.length - 1) >> 1];
}
