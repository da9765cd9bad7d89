import { AnalysisError } from '../errors/index.js';
import type { Vec3 } from './vectors.js';

/** A 3×3 matrix as three rows. */
export type Mat3 = readonly [Vec3, Vec3, Vec3];

/**
 * Inverse of a 3×3 matrix by the adjugate. Throws when the matrix is singular, judged relative
 * to the row lengths so the test does not depend on scale: for stain matrices that means two
 * stain vectors are (nearly) the same colour and cannot be separated.
 */
export function invert3(m: Mat3): [Vec3, Vec3, Vec3] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const c00 = e * i - f * h;
  const c01 = f * g - d * i;
  const c02 = d * h - e * g;
  const det = a * c00 + b * c01 + c * c02;
  const scale = Math.hypot(a, b, c) * Math.hypot(d, e, f) * Math.hypot(g, h, i);
  if (!Number.isFinite(det) || !(Math.abs(det) > 1e-9 * scale)) {
    throw new AnalysisError(`stain matrix is singular (determinant ${det}): its vectors are linearly dependent and cannot be separated`);
  }
  const k = 1 / det;
  return [
    [c00 * k, (c * h - b * i) * k, (b * f - c * e) * k],
    [c01 * k, (a * i - c * g) * k, (c * d - a * f) * k],
    [c02 * k, (b * g - a * h) * k, (a * e - b * d) * k],
  ];
}
