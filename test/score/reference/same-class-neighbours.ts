/**
 * The all-pairs neighbour clustering that mhc1.ts used before its point grid (kept as the
 * reference the grid must equal bit for bit).
 */
export function allPairsSameClassFraction(points: readonly { x: number; y: number }[], flags: readonly boolean[], cls: boolean, neighbourFactor: number): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const nearest = allPairsNearest(points);
  const sorted = Array.from(nearest).sort((a, b) => a - b);
  const radius = neighbourFactor * sorted[(n - 1) >> 1];
  let sum = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    if (flags[i] !== cls) continue;
    let nb = 0;
    let pos = 0;
    for (let j = 0; j < n; j++) {
      if (j === i || Math.hypot(points[i].x - points[j].x, points[i].y - points[j].y) > radius) continue;
      nb++;
      if (flags[j] === cls) pos++;
    }
    if (nb === 0) continue;
    sum += pos / nb;
    counted++;
  }
  return counted ? sum / counted : Number.NaN;
}

export function allPairsNearest(points: readonly { x: number; y: number }[]): Float64Array {
  const n = points.length;
  const nearest = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = Math.hypot(points[i].x - points[j].x, points[i].y - points[j].y);
      if (d < nearest[i]) nearest[i] = d;
      if (d < nearest[j]) nearest[j] = d;
    }
  }
  return nearest;
}
