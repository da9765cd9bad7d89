import type { SlideLevel } from './types.js';

/**
 * Index of the level whose µm/px is closest to `targetMpp` on a log scale (so 0.25 and 1.0 are
 * equally far from 0.5); on a tie the finer level wins, as it loses no detail.
 */
export function chooseLevel(levels: SlideLevel[], targetMpp: number): number {
  if (levels.length === 0) throw new RangeError('chooseLevel: the slide has no levels');
  if (!(targetMpp > 0) || !Number.isFinite(targetMpp)) throw new RangeError(`chooseLevel: target µm/px must be a positive number, got ${targetMpp}`);
  const target = Math.log(targetMpp);
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < levels.length; i++) {
    const distance = Math.abs(Math.log(levels[i].mpp) - target);
    // relative epsilon: 2×0.25 and 0.5 must count as a tie despite floating point
    const tie = Math.abs(distance - bestDistance) <= 1e-9;
    if (distance < bestDistance - 1e-9 || (tie && levels[i].mpp < levels[best].mpp)) {
      best = i;
      bestDistance = Math.min(distance, bestDistance);
    }
  }
  return best;
}

/** Coarsest level still at least as fine as `mpp` (level 0 when none is), for thumbnails. */
export function finestSufficientLevel(levels: SlideLevel[], mpp: number): number {
  let best = 0;
  for (let i = 0; i < levels.length; i++) {
    if (levels[i].mpp <= mpp * (1 + 1e-9) && levels[i].mpp > levels[best].mpp) best = i;
  }
  return best;
}
