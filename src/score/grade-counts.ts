/** Counts of cells (or pixels) per grade: [negative, 1+, 2+, 3+]. */
export type GradeCounts = readonly [number, number, number, number];

export function totalOf(counts: GradeCounts): number {
  return counts[0] + counts[1] + counts[2] + counts[3];
}

/** % at each grade; all zeros (not NaN) when there is nothing to count. */
export function gradePercents(counts: GradeCounts): [number, number, number, number] {
  const total = totalOf(counts);
  if (total === 0) return [0, 0, 0, 0];
  return [(counts[0] * 100) / total, (counts[1] * 100) / total, (counts[2] * 100) / total, (counts[3] * 100) / total];
}
