import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../src/errors/index.js';
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
const columns2 = (mask: Uint8Array, w: number, row: number) => [...mask.slice(row * w, row * w + w)].map((v, x) => (v ? x : -1)).filter((x) => x >= 0);
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
    expect(columns(p, 50)).toEqual(range(86, 125));
    // where the septum meets the glass, glass closes like a fibre: only the septum's middle, ≥ 6 µm
    // from both fibres, is still open on the first tissue row (its corners within 6 µm of
    // glass and of a fibre are filled)
    const edge = columns(p, 10);
    expect(edge.length).toBeGreaterThan(0);
    expect(edge[0]).toBeGreaterThan(86);
    expect(edge[edge.length - 1]).toBeLessThan(125);
  });

  it('a strand of tissue narrower than a septum between a fibre and glass is not perimysium', () => {
    // fibre x ∈ [0, 40) µm, a 5 µm strand [40, 45), glass beyond
    const f = new Int32Array(W * H);
    const tissue = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (x < 80) f[y * W + x] = 1;
        if (x < 90) tissue[y * W + x] = 1;
      }
    }
    expect(perimysiumFromFibres(f, W, H, 0.5, { tissue }).some((v) => v)).toBe(false);
    // without the tissue mask the strand runs into open space and is perimysium
    expect(columns(perimysiumFromFibres(f, W, H, 0.5), 50)[0]).toBe(80);
  });

  it('names bad inputs', () => {
    expect(() => perimysiumFromFibres(new Int32Array(5), W, H, 0.5)).toThrow(/fibre mask has 5 pixels/);
    expect(() => perimysiumFromFibres(fibres(), W, H, 0)).toThrow(AnalysisError);
  });
  it('pocketMaxUm2: a wide gap enclosed inside the fibres (a pocket round a cell) is endomysium; the septum reaching the edge stays', () => {
    // a 20 × 20 µm hole (px 10–49 in x and y) inside fibre A's rows 10–49: 400 µm², enclosed
    const m = fibres();
    for (let y = 10; y < 50; y++) for (let x = 0; x < 40; x++) if (x >= 10) m[y * W + x] = 0;
    const plain = perimysiumFromFibres(m, W, H, 0.5);
    expect(plain[30 * W + 30]).toBe(1);
    const p = perimysiumFromFibres(m, W, H, 0.5, { pocketMaxUm2: 1000 });
    expect(p[30 * W + 30]).toBe(0);
    for (const row of [0, 50, 99]) expect(columns(p, row), `row ${row}`).toEqual(range(86, 125));
    // a pocket larger than the bar stays
    expect(perimysiumFromFibres(m, W, H, 0.5, { pocketMaxUm2: 300 })[30 * W + 30]).toBe(1);
  });
  it('fascicleCloseUm: a notch in a fascicle\'s edge and a pocket of any size inside it are endomysium; the septum between two fascicles stays', () => {
    // fibres 1 and 2 form fascicle 1, fibre 3 fascicle 2. Fibre B (2) gets a 15 µm deep, 20 µm
    // tall notch on its septum side (px 56–85 × rows 30–69), and fibre A a 20 × 20 µm pocket
    // (px 10–39 × rows 10–49, open only to the 3 µm endomysium): both wider than the 12 µm cut.
    const m = fibres();
    for (let y = 30; y < 70; y++) for (let x = 56; x < 86; x++) m[y * W + x] = 0;
    for (let y = 10; y < 50; y++) for (let x = 10; x < 40; x++) m[y * W + x] = 0;
    const fascicleOf = Int32Array.from([0, 1, 1, 2]);
    const plain = perimysiumFromFibres(m, W, H, 0.5, { fascicleOf });
    expect(plain[50 * W + 70]).toBe(1);
    expect(plain[30 * W + 25]).toBe(1);
    const p = perimysiumFromFibres(m, W, H, 0.5, { fascicleOf, fascicleCloseUm: 25 });
    expect(p[50 * W + 70]).toBe(0);
    expect(p[30 * W + 25]).toBe(0);
    for (const row of [0, 99]) expect(columns(p, row), `row ${row}`).toEqual(range(86, 125));
    // a 25 µm disc from the septum side reaches R − √(R² − 10²) ≈ 2.1 µm into the 20 µm notch's mouth
    expect(columns(p, 50)).toEqual(range(81, 125));
    // one fascicle of all three fibres would close the septum too: the fascicles must be right
    expect(columns(perimysiumFromFibres(m, W, H, 0.5, { fascicleOf: Int32Array.from([0, 1, 1, 1]), fascicleCloseUm: 25 }), 50)).toEqual([]);
  });

  it('fascicleNotchFibres: a notch wider than the closing is filled from the fascicle\'s hull, not when the group joins two fascicles across a septum', () => {
    // 200 × 120 µm at 0.5 µm/px: two fascicles of 20 µm fibres (3 µm endomysium, 400 µm² each)
    // either side of a 20 µm septum at x ∈ [89, 109) µm; fascicle 1's outer column loses its outer
    // 10 µm over y ∈ [30, 85) µm: a notch 55 µm tall (wider than a 5 µm closing mends), 550 µm²
    // (under 1.5 fibres), like the one a missing necrotic edge fibre leaves.
    const w = 400;
    const h = 240;
    const m = new Int32Array(w * h);
    const fascicleOf = [0];
    const starts = [0, 23, 46, 69, 92];
    for (const [f, x0] of [[1, 0], [2, 109]] as const) {
      for (const cx of starts.slice(0, 4)) {
        for (const cy of starts) {
          const id = fascicleOf.length;
          fascicleOf.push(f);
          for (let y = cy * 2; y < (cy + 20) * 2; y++) for (let x = (x0 + cx) * 2; x < (x0 + cx + 20) * 2; x++) m[y * w + x] = id;
        }
      }
    }
    for (let y = 60; y < 170; y++) for (let x = 158; x < 178; x++) m[y * w + x] = 0;
    const opts = { fascicleOf: Int32Array.from(fascicleOf), fascicleCloseUm: 5 };
    const inNotch = 115 * w + 170;
    const inSeptum = 115 * w + 198;
    const plain = perimysiumFromFibres(m, w, h, 0.5, opts);
    expect([plain[inNotch], plain[inSeptum]]).toEqual([1, 1]);
    const hull = perimysiumFromFibres(m, w, h, 0.5, { ...opts, fascicleNotchFibres: 1.5 });
    expect([hull[inNotch], hull[inSeptum]]).toEqual([0, 1]);
    // the septum's pixels are exactly as without the hull on every row
    for (let y = 0; y < h; y++) expect(columns2(hull, w, y).filter((x) => x >= 178 && x < 218), `row ${y}`).toEqual(range(178, 217));
    // one group of both fascicles: the septum band in its hull (2400 µm², 6 fibres) stops the fill
    const joined = perimysiumFromFibres(m, w, h, 0.5, { fascicleOf: Int32Array.from(fascicleOf, (f) => (f > 0 ? 1 : 0)), fascicleCloseUm: 5, fascicleNotchFibres: 1.5 });
    expect([joined[inNotch], joined[inSeptum]]).toEqual([1, 1]);
    // a notch larger than the bound stays open
    const strict = perimysiumFromFibres(m, w, h, 0.5, { ...opts, fascicleNotchFibres: 1 });
    expect(strict[inNotch]).toBe(1);
  });

  it('fascicleGrid: the fascicles closed on a coarser grid still fill the notch and the pocket, and the septum keeps its edges from the plane itself', () => {
    // the fascicleCloseUm case above, its fascicles closed every 2 and every 4 px
    const m = fibres();
    for (let y = 30; y < 70; y++) for (let x = 56; x < 86; x++) m[y * W + x] = 0;
    for (let y = 10; y < 50; y++) for (let x = 10; x < 40; x++) m[y * W + x] = 0;
    const fascicleOf = Int32Array.from([0, 1, 1, 2]);
    const fine = perimysiumFromFibres(m, W, H, 0.5, { fascicleOf, fascicleCloseUm: 25 });
    for (const fascicleGrid of [1, 2, 4]) {
      const p = perimysiumFromFibres(m, W, H, 0.5, { fascicleOf, fascicleCloseUm: 25, fascicleGrid });
      expect(p[50 * W + 70], `grid ${fascicleGrid}`).toBe(0);
      expect(p[30 * W + 25], `grid ${fascicleGrid}`).toBe(0);
      for (const row of [0, 99]) expect(columns(p, row), `grid ${fascicleGrid} row ${row}`).toEqual(range(86, 125));
      // the notch's mouth, where only the fascicle's closing decides, moves by under two coarse pixels (the whole-square labels pull each fascicle in by up to one)
      const c = columns(p, 50);
      expect(c[c.length - 1]).toBe(125);
      expect(Math.abs(c[0] - columns(fine, 50)[0]), `grid ${fascicleGrid}`).toBeLessThanOrEqual(2 * fascicleGrid - 1);
    }
    expect(perimysiumFromFibres(m, W, H, 0.5, { fascicleOf, fascicleCloseUm: 25, fascicleGrid: 1 })).toEqual(fine);
    expect(() => perimysiumFromFibres(m, W, H, 0.5, { fascicleOf, fascicleCloseUm: 25, fascicleGrid: 1.5 })).toThrow(/fascicle grid must be a whole number/);
  });
});
