import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../src/domain/errors.js';
import { perimysiumFromFibres } from '../../src/score/perimysium-mask.js';

/**
 * 100 × 50 µm at 0.5 µm/px: fibre A x ∈ [0, 20) µm, 3 µm endomysium, fibre B [23, 43),
 * a 20 µm septum [43, 63), fibre C [63, 100). Columns in px: A 0–39, gap 40–45, B 46–85,
 * septum 86–125, C 126–199.
 */
const W = 200;
const H = 100;
function fibres(): Int32Array {
  const m = new Int32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (x < 40) m[y * W + x] = 1;
      else if (x >= 46 && x < 86) m[y * W + x] = 2;
      else if (x >= 126) m[y * W + x] = 3;
    }
  }
  return m;
}
const columns = (mask: Uint8Array, row: number) => [...mask.slice(row * W, row * W + W)].map((v, x) => (v ? x : -1)).filter((x) => x >= 0);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('perimysiumFromFibres', () => {
  it('keeps the 20 µm septum exactly and fills the 3 µm endomysium', () => {
    const p = perimysiumFromFibres(fibres(), W, H, 0.5);
    for (const row of [0, 50, 99]) expect(columns(p, row), `row ${row}`).toEqual(range(86, 125));
  });

  it('fills a septum narrower than the cut and keeps one just wider', () => {
    expect(perimysiumFromFibres(fibres(), W, H, 0.5, { septumUm: 22 }).some((v) => v)).toBe(false);
    // 2 µm cut: the 3 µm endomysium now counts as a septum too
    expect(columns(perimysiumFromFibres(fibres(), W, H, 0.5, { septumUm: 2 }), 10)).toEqual([...range(40, 45), ...range(86, 125)]);
  });

  it('stays inside the tissue mask', () => {
    const tissue = new Uint8Array(W * H).fill(1);
    tissue.fill(0, 0, 10 * W);
    const p = perimysiumFromFibres(fibres(), W, H, 0.5, { tissue });
    expect(columns(p, 5)).toEqual([]);
    expect(columns(p, 10)).toEqual(range(86, 125));
  });

  it('names bad inputs', () => {
    expect(() => perimysiumFromFibres(new Int32Array(5), W, H, 0.5)).toThrow(/fibre mask has 5 pixels/);
    expect(() => perimysiumFromFibres(fibres(), W, H, 0)).toThrow(AnalysisError);
  });
});
