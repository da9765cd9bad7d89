import { describe, expect, it } from 'vitest';
import { GAUSS_LUT_10, Rng, fbm, hashGauss, hashNoise, valueNoise } from '../../src/synthetic/rng.js';

describe('Rng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const sa = Array.from({ length: 50 }, () => a.next());
    const sb = Array.from({ length: 50 }, () => b.next());
    const sc = Array.from({ length: 50 }, () => c.next());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    for (const v of sa) expect(v >= 0 && v < 1).toBe(true);
  });

  it('draws uniform and normal samples with the right moments', () => {
    const r = new Rng(3);
    const n = 40_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      su += r.next();
      const z = r.normal(2, 3);
      sn += z;
      sn2 += z * z;
    }
    const mean = sn / n;
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(mean).toBeCloseTo(2, 1);
    expect(Math.sqrt(sn2 / n - mean * mean)).toBeCloseTo(3, 1);
  });

  it('picks indices in proportion to weights', () => {
    const r = new Rng(11);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.pick([1, 2, 7])]++;
    expect(counts[0] / 30_000).toBeCloseTo(0.1, 1);
    expect(counts[1] / 30_000).toBeCloseTo(0.2, 1);
    expect(counts[2] / 30_000).toBeCloseTo(0.7, 1);
  });
});

describe('stateless noise', () => {
  it('is a pure function of (seed, x, y) in [0, 1)', () => {
    expect(hashNoise(5, 123, -45)).toBe(hashNoise(5, 123, -45));
    expect(hashNoise(5, 123, -45)).not.toBe(hashNoise(6, 123, -45));
    expect(hashNoise(5, 123, -45)).not.toBe(hashNoise(5, -45, 123));
    let sum = 0;
    let lo = 1;
    let hi = 0;
    for (let y = 0; y < 200; y++) for (let x = 0; x < 200; x++) {
      const v = hashNoise(1, x, y);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      sum += v;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(sum / 40_000).toBeCloseTo(0.5, 2);
  });

  it('gives standard normal samples from the hash', () => {
    let s = 0;
    let s2 = 0;
    const n = 200 * 200;
    for (let y = 0; y < 200; y++) for (let x = 0; x < 200; x++) {
      const z = hashGauss(9, x, y);
      s += z;
      s2 += z * z;
    }
    expect(s / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(s2 / n)).toBeCloseTo(1, 1);
    let t2 = 0;
    for (const z of GAUSS_LUT_10) t2 += z * z;
    expect(Math.sqrt(t2 / 1024)).toBeCloseTo(1, 1);
  });

  it('value noise is continuous and hits lattice values at integer points', () => {
    expect(valueNoise(4, 3, 8)).toBe(hashNoise(4, 3, 8));
    // neighbouring samples 0.01 lattice units apart differ by far less than independent values would
    let maxStep = 0;
    for (let i = 0; i < 1000; i++) maxStep = Math.max(maxStep, Math.abs(valueNoise(4, i * 0.01, 2.3) - valueNoise(4, (i + 1) * 0.01, 2.3)));
    expect(maxStep).toBeLessThan(0.03);
    const f = fbm(4, 1.7, 2.2, 3);
    expect(f >= 0 && f < 1).toBe(true);
  });
});
