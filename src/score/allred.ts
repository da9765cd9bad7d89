import { totalOf, type GradeCounts } from './grade-counts.js';

export interface AllredScore {
  /** 0–5 */
  proportion: number;
  /** 0–3 */
  intensity: number;
  /** proportion + intensity: 0 or 2–8 */
  total: number;
}

/**
 * Allred proportion score from % positive cells (SCIENCE.md: 0: 0%, 1: <1%, 2: 1–10%,
 * 3: 11–33%, 4: 34–66%, 5: ≥67%). The published bins are whole percentages with gaps
 * (10–11, 33–34, 66–67); on continuous percentages we close each gap at the upper end of the
 * lower bin: 0 → 0, (0, 1) → 1, [1, 10] → 2, (10, 33] → 3, (33, 66] → 4, (66, 100] → 5.
 * So 10.5% scores 3 and 66.5% scores 5.
 */
export function allredProportion(pctPositive: number): number {
  if (!(pctPositive >= 0 && pctPositive <= 100)) throw new RangeError(`% positive must lie in [0, 100], got ${pctPositive}`);
  if (pctPositive === 0) return 0;
  if (pctPositive < 1) return 1;
  if (pctPositive <= 10) return 2;
  if (pctPositive <= 33) return 3;
  if (pctPositive <= 66) return 4;
  return 5;
}

/**
 * Allred intensity score: the mean grade of the POSITIVE cells (1+ = 1, 2+ = 2, 3+ = 3),
 * rounded to the nearest integer with halves rounding up (1.5 → 2); 0 when none is positive.
 * Rounded in integers so a mean of exactly x.5 never falls to floating-point error.
 */
export function allredIntensity(counts: GradeCounts): number {
  const positive = counts[1] + counts[2] + counts[3];
  if (positive === 0) return 0;
  const weighted = counts[1] + 2 * counts[2] + 3 * counts[3];
  return Math.floor((2 * weighted + positive) / (2 * positive));
}

/** Allred total = proportion + intensity; 0 when no cell is positive, else 2–8. */
export function allredScore(counts: GradeCounts): AllredScore {
  const total = totalOf(counts);
  const positive = counts[1] + counts[2] + counts[3];
  const proportion = total === 0 ? 0 : allredProportion((positive * 100) / total);
  const intensity = proportion === 0 ? 0 : allredIntensity(counts);
  return { proportion, intensity, total: proportion === 0 ? 0 : proportion + intensity };
}
