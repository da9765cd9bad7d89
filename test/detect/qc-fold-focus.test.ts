import { describe, expect, it } from 'vitest';
import type { QcBlockStats } from '../../src/detect/qc/index.js';
import { focusMask, focusRatios } from '../../src/detect/qc/focus.js';
import { foldMask } from '../../src/detect/qc/fold.js';
import { resolveParams } from '../../src/domain/params.js';

const qc = resolveParams().qc;
const BLOCK_UM = 8;
const N = 30;

/**
 * A 30 × 30-block all-tissue grid of pale fibre (floors of sarcoplasm: OD 0.12, hematoxylin 0.04,
 * DAB background 0.015), with `band` columns given other floors.
 */
function grid(band: { x0: number; x1: number; floor: number; h: number; d: number } | null): QcBlockStats {
  const n = N * N;
  const st: QcBlockStats = { cols: N, rows: N, tissue: new Float32Array(n).fill(1), fine: new Float32Array(n), coarse: new Float32Array(n), floor: new Float32Array(n).fill(0.12), hFloor: new Float32Array(n).fill(0.04), dFloor: new Float32Array(n).fill(0.015), sd: new Float32Array(n) };
  if (band) {
    for (let y = 0; y < N; y++) {
      for (let x = band.x0; x < band.x1; x++) {
        st.floor[y * N + x] = band.floor;
        st.hFloor[y * N + x] = band.h;
        st.dFloor[y * N + x] = band.d;
      }
    }
  }
  return st;
}

const count = (m: Uint8Array, x0: number, x1: number): number => {
  let k = 0;
  for (let y = 0; y < N; y++) for (let x = x0; x < x1; x++) k += m[y * N + x];
  return k;
};

describe('foldMask', () => {
  it('flags a band where every absorber doubled — the middle of a fold 40 µm wide included — and nothing beside it', () => {
    const st = grid({ x0: 10, x1: 15, floor: 0.24, h: 0.08, d: 0.03 });
    const m = foldMask(st, 0.12, qc, BLOCK_UM);
    expect(count(m, 10, 15)).toBe(5 * N);
    expect(count(m, 0, 10) + count(m, 15, N)).toBe(0);
  });

  it('does not flag a perimysial septum: hematoxylin 2.5 × the fibres beside it, its DAB background no higher', () => {
    const st = grid({ x0: 12, x1: 14, floor: 0.26, h: 0.1, d: 0.015 });
    expect(count(foldMask(st, 0.12, qc, BLOCK_UM), 0, N)).toBe(0);
    // the same band with the DAB background doubled as well is a fold
    const fold = grid({ x0: 12, x1: 14, floor: 0.26, h: 0.1, d: 0.03 });
    expect(count(foldMask(fold, 0.12, qc, BLOCK_UM), 12, 14)).toBe(2 * N);
  });

  it('does not flag a septum whose DAB background rose a little (one block reads as a fold, the band does not)', () => {
    // 1.33 × the DAB around: each block passes foldDabRatio less the slack, the group's median is under foldGroupDabRatio
    const st = grid({ x0: 12, x1: 15, floor: 0.26, h: 0.1, d: 0.02 });
    expect(st.dFloor[12]).toBeGreaterThanOrEqual(qc.foldDabRatio * 0.015 - qc.foldDabSlackOd);
    expect(count(foldMask(st, 0.12, qc, BLOCK_UM), 0, N)).toBe(0);
  });

  it('does not flag a DAB-filled fibre whose counterstain did not rise', () => {
    const st = grid({ x0: 10, x1: 15, floor: 0.3, h: 0.045, d: 0.12 });
    expect(count(foldMask(st, 0.12, qc, BLOCK_UM), 0, N)).toBe(0);
  });
});

/** fine/coarse energies per block: sharp tissue ratio ~2.4, blurred ~1.1 */
function energies(at: (x: number, y: number) => { fine: number; coarse: number }): QcBlockStats {
  const st = grid(null);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const e = at(x, y);
      st.fine[y * N + x] = e.fine;
      st.coarse[y * N + x] = e.coarse;
    }
  }
  return st;
}

describe('focus', () => {
  it('flags a blurred patch and not the sharp tissue around it', () => {
    // edges every other block (nuclei); inside x,y in [10, 20) blurred
    const st = energies((x, y) => {
      const edge = (x + y) % 2 === 0;
      const blurred = x >= 10 && x < 20 && y >= 10 && y < 20;
      return edge ? (blurred ? { fine: 1.1e-4, coarse: 1e-4 } : { fine: 2.4e-3, coarse: 1e-3 }) : { fine: 0, coarse: 0 };
    });
    const ratios = focusRatios(st, qc, BLOCK_UM);
    const reference = 2.4;
    const m = focusMask(st, ratios, reference, qc, BLOCK_UM);
    // the patch's core; its rim (where the sharp tissue's sums dominate) is what qcDecideTile grows back
    expect(m[15 * N + 15]).toBe(1);
    expect(m[13 * N + 14]).toBe(1);
    expect(m[17 * N + 16]).toBe(1);
    expect(m[2 * N + 2]).toBe(0);
    expect(m[27 * N + 27]).toBe(0);
  });

  it('does not call blurred a block beside a sharp edge whose coarse energy spilled into it, nor tissue with no edge to judge', () => {
    // a sharp nucleus in one block; coarse smoothing spreads its energy into the 8 around it, where
    // fine energy is ~0: alone each would read a ratio near 0
    const st = energies((x, y) => {
      if (x === 15 && y === 15) return { fine: 4e-3, coarse: 1e-3 };
      if (Math.abs(x - 15) <= 1 && Math.abs(y - 15) <= 1) return { fine: 1e-6, coarse: 2e-4 };
      return { fine: 0, coarse: 0 };
    });
    // each block judged on its own 3 × 3 sum (no vote): the spill block holds the whole edge
    const own = focusRatios(st, { ...qc, focusVoteUm: 0, focusMinJudged: 1 }, BLOCK_UM);
    expect(own[15 * N + 16]).toBeGreaterThan(2);
    expect(own[14 * N + 14]).toBeGreaterThan(2);
    // far from any edge: nothing judged, no verdict, nothing flagged
    const ratios = focusRatios(st, qc, BLOCK_UM);
    expect(Number.isNaN(ratios[2 * N + 2])).toBe(true);
    expect(Number.isNaN(own[2 * N + 2])).toBe(true);
    expect(focusMask(st, ratios, 2.4, qc, BLOCK_UM)[2 * N + 2]).toBe(0);
  });
});

describe('focusRatios median', () => {
  it('is the median a sort gives: the middle judged ratio of each window, or the mean of the two middle ones', () => {
    const cols = 23, rows = 17, nb = cols * rows;
    let s = 7;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const st = { cols, rows, tissue: new Float32Array(nb), fine: new Float32Array(nb), coarse: new Float32Array(nb) } as unknown as QcBlockStats;
    for (let b = 0; b < nb; b++) {
      st.tissue[b] = rnd() < 0.8 ? 1 : 0;
      st.coarse[b] = rnd() < 0.7 ? 1e-4 * (1 + rnd()) : 0; // some windows judge few blocks
      st.fine[b] = st.coarse[b] * (0.5 + 3 * rnd());
    }
    const p = { ...qc, focusMinJudged: 1 };
    const got = focusRatios(st, p, BLOCK_UM);
    // reference: judged ratios as focusRatios defines them, each window sorted
    const judged = new Float32Array(nb).fill(NaN);
    for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) {
      if (st.tissue[y * cols + x] < p.minTissueFraction) continue;
      let f = 0, c = 0;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(rows - 1, y + 1); yy++) for (let xx = Math.max(0, x - 1); xx <= Math.min(cols - 1, x + 1); xx++) { f += st.fine[yy * cols + xx]; c += st.coarse[yy * cols + xx]; }
      if (c / 9 >= p.focusMinEnergy) judged[y * cols + x] = f / c;
    }
    const r = Math.round(p.focusVoteUm / BLOCK_UM);
    let even = 0, odd = 0;
    for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) {
      const b = y * cols + x;
      if (st.tissue[b] < p.minTissueFraction) { expect(got[b]).toBeNaN(); continue; }
      const vals: number[] = [];
      for (let yy = Math.max(0, y - r); yy <= Math.min(rows - 1, y + r); yy++) for (let xx = Math.max(0, x - r); xx <= Math.min(cols - 1, x + r); xx++) if (!Number.isNaN(judged[yy * cols + xx])) vals.push(judged[yy * cols + xx]);
      vals.sort((a, c) => a - c);
      const k = vals.length;
      if (k === 0) { expect(got[b]).toBeNaN(); continue; }
      if (k % 2) odd++; else even++;
      expect(got[b]).toBe(Math.fround(k % 2 ? vals[k >> 1] : (vals[k / 2 - 1] + vals[k / 2]) / 2));
    }
    expect(odd).toBeGreaterThan(10);
    expect(even).toBeGreaterThan(10);
  });
});
