import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../src/errors/index.js';
import { symmetricEigen3 } from '../../src/stain/eigen3.js';
import { invert3, type Mat3 } from '../../src/stain/invert.js';
import { HDAB_DEFAULT, type Vec3 } from '../../src/stain/vectors.js';
import { prng } from './prng.js';

function mul(a: Mat3, b: Mat3): number[][] {
  return [0, 1, 2].map((i) => [0, 1, 2].map((j) => a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j]));
}

function expectIdentity(p: number[][]) {
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(p[i][j]).toBeCloseTo(i === j ? 1 : 0, 12);
}

describe('invert3', () => {
  it('inverts the H-DAB matrix and random matrices', () => {
    const m: Mat3 = [HDAB_DEFAULT.hematoxylin, HDAB_DEFAULT.dab, HDAB_DEFAULT.residual];
    expectIdentity(mul(m, invert3(m)));
    expectIdentity(mul(invert3(m), m));
    const rand = prng(7);
    for (let t = 0; t < 20; t++) {
      const r = (): Vec3 => [rand() * 2 - 1, rand() * 2 - 1, rand() * 2 - 1];
      const a: Mat3 = [r(), r(), r()];
      expectIdentity(mul(a, invert3(a)));
    }
  });

  it('throws a typed error on a singular matrix', () => {
    const same: Mat3 = [[0.6, 0.7, 0.3], [0.6, 0.7, 0.3], [0.1, 0.2, 0.9]];
    expect(() => invert3(same)).toThrow(AnalysisError);
    expect(() => invert3(same)).toThrow(/singular/);
    expect(() => invert3([[1, 0, 0], [0, 1, 0], [1, 1, 0]])).toThrow(AnalysisError);
  });
});

describe('symmetricEigen3', () => {
  function check(a: Mat3) {
    const { values, vectors } = symmetricEigen3(a);
    expect(values[0]).toBeGreaterThanOrEqual(values[1]);
    expect(values[1]).toBeGreaterThanOrEqual(values[2]);
    for (let i = 0; i < 3; i++) {
      const v = vectors[i];
      for (let k = 0; k < 3; k++) {
        const av = a[k][0] * v[0] + a[k][1] * v[1] + a[k][2] * v[2];
        expect(av).toBeCloseTo(values[i] * v[k], 10);
      }
      for (let j = 0; j < 3; j++) {
        const d = v[0] * vectors[j][0] + v[1] * vectors[j][1] + v[2] * vectors[j][2];
        expect(d).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    return values;
  }

  it('solves random symmetric matrices', () => {
    const rand = prng(11);
    for (let t = 0; t < 30; t++) {
      const x = () => rand() * 4 - 2;
      const a01 = x(), a02 = x(), a12 = x();
      check([[x(), a01, a02], [a01, x(), a12], [a02, a12, x()]]);
    }
  });

  it('recovers planted eigenvalues, including two nearly equal tiny ones', () => {
    // Q·diag(λ)·Qᵀ with Q a rotation: what a one-stain OD covariance looks like.
    const c = Math.cos(0.7), s = Math.sin(0.7);
    const q: Mat3 = [[c, -s, 0], [s * 0.6, c * 0.6, -0.8], [s * 0.8, c * 0.8, 0.6]];
    const lam = [0.5, 2e-6, 1e-6];
    const a = [0, 1, 2].map((i) => [0, 1, 2].map((j) => lam[0] * q[i][0] * q[j][0] + lam[1] * q[i][1] * q[j][1] + lam[2] * q[i][2] * q[j][2]));
    const values = check(a as unknown as Mat3);
    expect(values[0]).toBeCloseTo(0.5, 12);
    expect(values[1]).toBeCloseTo(2e-6, 14);
    expect(values[2]).toBeCloseTo(1e-6, 14);
    // the already-diagonal case and a repeated eigenvalue
    expect(check([[3, 0, 0], [0, 1, 0], [0, 0, 2]])).toEqual([3, 2, 1]);
    expect(check([[2, 0, 0], [0, 2, 0], [0, 0, 2]])).toEqual([2, 2, 2]);
  });
});
