import { describe, expect, it } from 'vitest';
import { CellExpander, measureCells } from '../../src/detect/cells.js';

/** A 5×5 nucleus grown by `grow` px, its ring stained `rim` on the `stainedRows` first rows of the cell only. */
function cell(grow: number, rim: number, stainedRows: number) {
  const w = 30;
  const nucleus = new Int32Array(w * w);
  for (let i = 0; i < 25; i++) nucleus[(12 + Math.floor(i / 5)) * w + 12 + (i % 5)] = 1;
  const cells = new Int32Array(w * w);
  new CellExpander().expand(nucleus, w, w, grow, cells);
  let top = w;
  for (let i = 0; i < w * w; i++) if (cells[i]) top = Math.min(top, Math.floor(i / w));
  const dab = new Float32Array(w * w);
  for (let i = 0; i < w * w; i++) dab[i] = nucleus[i] ? 0.05 : cells[i] && Math.floor(i / w) < top + stainedRows ? rim : 0;
  return { nucleus, cells, dab, n: w * w, w };
}

describe('cytoplasm DAB as the mean of the ring’s upper share (AnalysisParams.ringUpperFraction)', () => {
  it('reads a partial stained rim at its own colour, where the plain ring mean dilutes it', () => {
    const { nucleus, cells, dab, n } = cell(4, 0.5, 4);
    const ring = Array.from(cells).filter((c, i) => c && !nucleus[i]).length;
    const stained = Array.from(dab).filter((v, i) => cells[i] && !nucleus[i] && v > 0).length;
    expect(stained / ring).toBeGreaterThan(0.25);
    expect(stained / ring).toBeLessThan(0.5);
    const plain = measureCells(nucleus, cells, dab, dab, n, 1);
    expect(plain.dabCytoplasm[1]).toBeCloseTo((0.5 * stained) / ring, 6);
    const upper = measureCells(nucleus, cells, dab, dab, n, 1, undefined, 0.25);
    expect(upper.dabCytoplasm[1]).toBeCloseTo(0.5, 6);
    // half the ring: the stained share plus unstained pixels, mean of the top ceil(ring / 2)
    const half = measureCells(nucleus, cells, dab, dab, n, 1, undefined, 0.5);
    expect(half.dabCytoplasm[1]).toBeCloseTo((0.5 * stained) / Math.ceil(ring / 2), 6);
    // nucleus and whole cell are plain means whatever the fraction
    for (const m of [upper, half]) {
      expect(m.dabNucleus[1]).toBeCloseTo(plain.dabNucleus[1], 9);
      expect(m.dabCell[1]).toBeCloseTo(plain.dabCell[1], 9);
    }
  });

  it('gives the same value over the expander rectangles as over the whole plane, and the plain mean at fraction 1', () => {
    const { nucleus, cells, dab, n, w } = cell(3, 0.4, 3);
    const ex = new CellExpander();
    const c2 = new Int32Array(n);
    ex.expand(nucleus, w, w, 3, c2, Int32Array.of(12, 12, 16, 16));
    expect(ex.rects.length).toBe(4);
    const whole = measureCells(nucleus, c2, dab, dab, n, 1, undefined, 0.3);
    const rects = measureCells(nucleus, c2, dab, dab, n, 1, { width: w, rects: ex.rects }, 0.3);
    expect(rects.dabCytoplasm[1]).toBe(whole.dabCytoplasm[1]);
    const one = measureCells(nucleus, cells, dab, dab, n, 1, undefined, 1);
    const plain = measureCells(nucleus, cells, dab, dab, n, 1);
    expect(one.dabCytoplasm[1]).toBe(plain.dabCytoplasm[1]);
  });
});
