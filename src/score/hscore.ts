import { totalOf, type GradeCounts } from './grade-counts.js';

/**
 * H-score = 1·%(1+) + 2·%(2+) + 3·%(3+), 0–300 (SCIENCE.md "Scores"); the same formula serves
 * cells and, with pixel counts, the pixel-wise H-score. 0 when nothing was counted.
 */
export function hScore(counts: GradeCounts): number {
  const total = totalOf(counts);
  if (total === 0) return 0;
  // one division of the weighted sum, so 100% 3+ gives exactly 300
  return ((counts[1] + 2 * counts[2] + 3 * counts[3]) * 100) / total;
}
