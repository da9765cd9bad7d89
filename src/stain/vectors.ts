/**
 * Stain vectors are rows of OD per RGB channel, unit length.
 * H-DAB defaults as QuPath "H-DAB default" / HistomicsTK (SCIENCE.md, Ruifrok & Johnston 2001).
 */
export type Vec3 = readonly [number, number, number];

/** Rows: [hematoxylin, dab, residual]. */
export interface StainMatrix {
  hematoxylin: Vec3;
  dab: Vec3;
  residual: Vec3;
  /** where the vectors came from, stored with every score */
  source: 'default' | 'macenko' | 'custom';
}

export function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (!(n > 0)) throw new RangeError('stain vector has zero length');
  return [v[0] / n, v[1] / n, v[2] / n];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Angle between two stain vectors in degrees (sign-insensitive: a stain is a direction). */
export function angleDeg(a: Vec3, b: Vec3): number {
  const c = Math.abs(dot(normalize(a), normalize(b)));
  return (Math.acos(Math.min(1, c)) * 180) / Math.PI;
}

export const HEMATOXYLIN_DEFAULT: Vec3 = normalize([0.65111, 0.70119, 0.29049]);
export const DAB_DEFAULT: Vec3 = normalize([0.26917, 0.56824, 0.77759]);

/** Build a matrix from two stains; the residual is their normalised cross product (SCIENCE.md). */
export function stainMatrix(hematoxylin: Vec3, dab: Vec3, source: StainMatrix['source'] = 'custom'): StainMatrix {
  const h = normalize(hematoxylin);
  const d = normalize(dab);
  return { hematoxylin: h, dab: d, residual: normalize(cross(h, d)), source };
}

export const HDAB_DEFAULT: StainMatrix = stainMatrix(HEMATOXYLIN_DEFAULT, DAB_DEFAULT, 'default');
