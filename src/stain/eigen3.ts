import type { Mat3 } from './invert.js';
import type { Vec3 } from './vectors.js';

export interface Eigen3 {
  /** eigenvalues, largest first */
  values: [number, number, number];
  /** unit eigenvectors, vectors[i] belongs to values[i] */
  vectors: [Vec3, Vec3, Vec3];
}

/**
 * Eigen-decomposition of a symmetric 3×3 matrix by cyclic Jacobi rotations.
 * Chosen over the closed-form cubic because it stays accurate when eigenvalues are nearly
 * equal (a stain covariance with one dominant stain has two tiny, close eigenvalues).
 * Only the upper triangle of `m` is read.
 */
export function symmetricEigen3(m: Mat3): Eigen3 {
  const a = [
    [m[0][0], m[0][1], m[0][2]],
    [m[0][1], m[1][1], m[1][2]],
    [m[0][2], m[1][2], m[2][2]],
  ];
  for (const row of a) for (const x of row) if (!Number.isFinite(x)) throw new RangeError('eigen-decomposition of a matrix with non-finite entries');
  const v = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const scale = Math.abs(a[0][0]) + Math.abs(a[1][1]) + Math.abs(a[2][2]) + Math.abs(a[0][1]) + Math.abs(a[0][2]) + Math.abs(a[1][2]);
  const pairs: [number, number][] = [[0, 1], [0, 2], [1, 2]];
  // Jacobi converges quadratically; 50 sweeps is a guard, a 3×3 needs well under 10.
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = Math.abs(a[0][1]) + Math.abs(a[0][2]) + Math.abs(a[1][2]);
    if (off <= 1e-15 * scale || off === 0) break;
    for (const [p, q] of pairs) {
      const apq = a[p][q];
      if (apq === 0) continue;
      // Rotation that zeroes a[p][q] (Numerical Recipes §11.1): t = tan φ, the smaller root.
      const theta = (a[q][q] - a[p][p]) / (2 * apq);
      const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[k][p], akq = a[k][q];
        a[k][p] = c * akp - s * akq;
        a[k][q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p][k], aqk = a[q][k];
        a[p][k] = c * apk - s * aqk;
        a[q][k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k][p], vkq = v[k][q];
        v[k][p] = c * vkp - s * vkq;
        v[k][q] = s * vkp + c * vkq;
      }
    }
  }
  const order = [0, 1, 2].sort((i, j) => a[j][j] - a[i][i]);
  const col = (j: number): Vec3 => [v[0][j], v[1][j], v[2][j]];
  return {
    values: [a[order[0]][order[0]], a[order[1]][order[1]], a[order[2]][order[2]]],
    vectors: [col(order[0]), col(order[1]), col(order[2])],
  };
}
