/** Intensity grade of a cell or pixel: 0 negative, 1..3 = 1+..3+. */
export type Grade = 0 | 1 | 2 | 3;

/**
 * Grade a DAB OD against increasing 1+/2+/3+ thresholds (SCIENCE.md defaults 0.2/0.4/0.6);
 * a value equal to a threshold takes the higher grade. NaN grades 0: an unmeasurable cell is
 * not evidence of staining.
 */
export function gradeOf(od: number, thresholds: readonly [number, number, number]): Grade {
  if (od >= thresholds[2]) return 3;
  if (od >= thresholds[1]) return 2;
  if (od >= thresholds[0]) return 1;
  return 0;
}
