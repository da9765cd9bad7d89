import { describe, expect, it } from 'vitest';
import { CellExpander, measureCells } from '../../src/detect/cells.js';
import { detectNuclei } from '../../src/detect/nuclei.js';
import { resolveParams } from '../../src/domain/params.js';
import { gaussianBlur } from '../../src/image/gaussian.js';
import { discPlane } from './shapes.js';

const MPP = 0.5;
const params = resolveParams({});

describe('detectNuclei on hand-made hematoxylin planes', () => {
  it('finds isolated discs at their centres with their area, on textured stroma', () => {
    const discs = [
      { x: 40, y: 50, r: 8, value: 0.5 },
      { x: 120, y: 45, r: 6, value: 0.35 },
      { x: 80, y: 120, r: 9.5, value: 0.8 },
    ];
    const h = discPlane(180, 170, discs, 0.08);
    // Slow stroma texture ±0.03 OD: the background opening must absorb it.
    for (let y = 0; y < 170; y++) for (let x = 0; x < 180; x++) h.data[y * 180 + x] += 0.03 * Math.sin(x / 15) * Math.cos(y / 20);
    gaussianBlur(h, 0.8, h); // optical blur as in a scanner
    const { nuclei, labels } = detectNuclei(h, MPP, params.nucleus);
    expect(nuclei).toHaveLength(3);
    for (const d of discs) {
      const nu = nuclei.find((n) => Math.hypot(n.cx - d.x, n.cy - d.y) < 1);
      expect(nu, `disc at ${d.x},${d.y}`).toBeDefined();
      // Local half-maximum edge: area within 15% of the disc's.
      expect(nu!.areaPx / (Math.PI * d.r * d.r)).toBeGreaterThan(0.85);
      expect(nu!.areaPx / (Math.PI * d.r * d.r)).toBeLessThan(1.15);
      expect(nu!.meanH).toBeGreaterThan(0.08 + 0.7 * d.value);
      expect(labels[Math.round(d.y) * 180 + Math.round(d.x)]).toBe(nu!.label);
    }
  });

  it('splits two touching nuclei (centres 0.8 × sum of radii apart) whatever their ODs', () => {
    const pairs: Array<[number, number]> = [
      [0.5, 0.5],
      [0.8, 0.35],
    ];
    for (const [va, vb] of pairs) {
      const a = { x: 50, y: 60, r: 8, value: va };
      const b = { x: 50 + 0.8 * 15, y: 60 + 0.1, r: 7, value: vb };
      const h = discPlane(120, 120, [a, b], 0.08);
      gaussianBlur(h, 0.8, h);
      const { nuclei } = detectNuclei(h, MPP, params.nucleus);
      expect(nuclei, `OD ${va}/${vb}`).toHaveLength(2);
      const [n1, n2] = [...nuclei].sort((p, q) => p.cx - q.cx);
      expect(Math.hypot(n1.cx - a.x, n1.cy - a.y)).toBeLessThan(2);
      expect(Math.hypot(n2.cx - b.x, n2.cy - b.y)).toBeLessThan(2);
    }
  });

  it('does not split one elongated nucleus (ellipse 5 × 3 µm)', () => {
    const w = 100;
    const h = discPlane(w, w, [], 0.08);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) if (((x - 50) / 10) ** 2 + ((y - 50) / 6) ** 2 <= 1) h.data[y * w + x] = 0.6;
    gaussianBlur(h, 0.8, h);
    const { nuclei } = detectNuclei(h, MPP, params.nucleus);
    expect(nuclei).toHaveLength(1);
    expect(nuclei[0].cx).toBeCloseTo(50, 0);
  });

  it('drops objects outside the area limits and stroma-level staining', () => {
    // 1 µm disc = 3 µm² < 10 µm²; a faint 0.06 OD disc; a 4 µm disc (50 µm²) is kept.
    const h = discPlane(200, 200, [
      { x: 30, y: 30, r: 2, value: 0.6 },
      { x: 40, y: 150, r: 8, value: 0.06 },
      { x: 150, y: 60, r: 8, value: 0.6 },
    ], 0.08);
    const found = detectNuclei(h, MPP, params.nucleus).nuclei;
    expect(found).toHaveLength(1);
    expect(found[0].cx).toBeCloseTo(150, 0);
    // Without background subtraction (which removes anything wider than its window), a
    // 14 µm disc = 615 µm² is over maxAreaUm2 = 400 µm².
    const big = discPlane(200, 200, [{ x: 100, y: 100, r: 28, value: 0.6 }], 0.08);
    const noBg = { ...params.nucleus, backgroundRadiusUm: 0, hematoxylinThreshold: 0.2 };
    expect(detectNuclei(big, MPP, noBg).nuclei).toHaveLength(0);
    expect(detectNuclei(big, MPP, { ...noBg, maxAreaUm2: 700 }).nuclei).toHaveLength(1);
  });
});

describe('CellExpander and measureCells', () => {
  it('grows nuclei by the expansion distance without overlap and measures compartments', () => {
    const w = 100;
    const h = 60;
    const nucleus = new Int32Array(w * h);
    // Two square "nuclei" 3×3, 20 px apart on one row.
    for (let y = 29; y <= 31; y++) for (let x = 29; x <= 31; x++) nucleus[y * w + x] = 1;
    for (let y = 29; y <= 31; y++) for (let x = 49; x <= 51; x++) nucleus[y * w + x] = 2;
    const cells = new Int32Array(w * h);
    new CellExpander().expand(nucleus, w, h, 12, cells);
    // Voronoi boundary halfway (x = 40 is equidistant: goes to the nearer pixel found first, never both).
    expect(cells[30 * w + 39]).toBe(1);
    expect(cells[30 * w + 41]).toBe(2);
    expect(cells[30 * w + 31 + 12]).toBe(2); // nearer to nucleus 2 (6 px) than to 1 (12 px)
    expect(cells[30 * w + 29 - 12]).toBe(1);
    expect(cells[30 * w + 29 - 13]).toBe(0);
    expect(cells[(29 - 12) * w + 30]).toBe(1);
    expect(cells[(29 - 13) * w + 30]).toBe(0);

    const dab = new Float32Array(w * h);
    const hem = new Float32Array(w * h);
    for (let i = 0; i < w * h; i++) {
      dab[i] = nucleus[i] ? 0.6 : cells[i] === 1 ? 0.2 : 0;
      hem[i] = nucleus[i] ? 0.5 : 0.1;
    }
    const m = measureCells(nucleus, cells, dab, hem, w * h, 2);
    expect(m.nucleusArea[1]).toBe(9);
    expect(m.dabNucleus[1]).toBeCloseTo(0.6, 6);
    expect(m.dabCytoplasm[1]).toBeCloseTo(0.2, 6);
    expect(m.hemNucleus[2]).toBeCloseTo(0.5, 6);
    expect(m.dabCell[1]).toBeCloseTo((9 * 0.6 + (m.cellArea[1] - 9) * 0.2) / m.cellArea[1], 6);
    expect(m.dabCytoplasm[2]).toBe(0);
    expect(m.cellArea[1] + m.cellArea[2]).toBe(cells.reduce((a, c) => a + (c ? 1 : 0), 0));
  });

  it('uses the nucleus value for the cytoplasm when the ring is empty (no expansion)', () => {
    const w = 20;
    const nucleus = new Int32Array(w * w);
    for (let i = 0; i < 25; i++) nucleus[(5 + Math.floor(i / 5)) * w + 5 + (i % 5)] = 1;
    const cells = new Int32Array(w * w);
    new CellExpander().expand(nucleus, w, w, 0, cells);
    const dab = new Float32Array(w * w).fill(0.3);
    const m = measureCells(nucleus, cells, dab, dab, w * w, 1);
    expect(m.cellArea[1]).toBe(25);
    expect(m.dabCytoplasm[1]).toBeCloseTo(0.3, 6);
  });
});
