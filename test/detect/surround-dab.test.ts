import { describe, expect, it } from 'vitest';
import { CellExpander } from '../../src/detect/cells.js';
import { surroundPlanes } from '../../src/detect/surround-plane.js';
import { resolveParams } from '../../src/domain/params.js';
import { paramsForMarker } from '../../src/domain/marker.js';
import { analyseTile } from '../../src/pipeline/analyse-tile.js';
import { rgbRaster } from '../../src/image/raster.js';
import { HDAB_DEFAULT } from '../../src/stain/vectors.js';
import { beerLambert } from '../stain/beer-lambert.js';

const MPP = 0.5;

/** Nuclei as 5×5 squares at the given centres on a w×w plane. */
function nuclei(w: number, centres: [number, number][]): Int32Array {
  const L = new Int32Array(w * w);
  centres.forEach(([cx, cy], k) => {
    for (let y = cy - 2; y <= cy + 2; y++) for (let x = cx - 2; x <= cx + 2; x++) L[y * w + x] = k + 1;
  });
  return L;
}

/** The plane of label l (surroundPlanes) at pixel (x, y). */
const planeAt = (p: Float64Array, l: number, x: number, y: number) => p[3 * l] + p[3 * l + 1] * x + p[3 * l + 2] * y;

describe('surround DAB (params.surroundDab): a plane fitted to a band round each cell, other cells left out', () => {
  function bands(w: number, centres: [number, number][]) {
    const L = nuclei(w, centres);
    const ex = new CellExpander();
    const cells = new Int32Array(w * w);
    const near = new Int32Array(w * w);
    const far = new Int32Array(w * w);
    ex.expand(L, w, w, 4, cells);
    ex.expand(L, w, w, 6, near);
    ex.expand(L, w, w, 14, far);
    return { cells, near, far, all: [0, 0, w - 1, w - 1] };
  }

  it('reads the tissue round a cell, not the cell nor a neighbour inside the band', () => {
    const w = 80;
    const { cells, near, far, all } = bands(w, [[30, 40], [48, 40]]);
    // tissue at 0.3; cell 1 stained 0.7 to 6 px (past its own 4 px cell: what the gap is for); cell 2 at 0.9
    const dab = new Float32Array(w * w).fill(0.3);
    for (let i = 0; i < w * w; i++) {
      if (near[i] === 1) dab[i] = 0.7;
      if (cells[i] === 2) dab[i] = 0.9;
    }
    const p = surroundPlanes(near, far, dab, 2, all, w);
    expect(planeAt(p, 1, 30, 40)).toBeCloseTo(0.3, 6);
    expect(planeAt(p, 2, 48, 40)).toBeCloseTo(0.3, 6);
    for (const v of [p[4], p[5], p[7], p[8]]) expect(Math.abs(v)).toBeLessThan(1e-9);
    // a band with no free pixel (every pixel within the inner edge of some cell): NaN
    const none = surroundPlanes(far, far, dab, 2, all, w);
    expect(Number.isNaN(none[3])).toBe(true);
  });

  it('on a gradient, reads the tissue under the cell where the band\'s median does not: a neighbour blocks one side', () => {
    const w = 90;
    // cell 1 at (40, 45) with a neighbour 14 px to its right: the free band is one-sided
    const { near, far, all } = bands(w, [[40, 45], [54, 45]]);
    const dab = new Float32Array(w * w);
    for (let i = 0; i < w * w; i++) dab[i] = 0.05 + 0.006 * (i % w) + 0.002 * Math.floor(i / w);
    const p = surroundPlanes(near, far, dab, 2, all, w);
    const under = 0.05 + 0.006 * 40 + 0.002 * 45;
    expect(planeAt(p, 1, 40, 45)).toBeCloseTo(under, 5);
    expect(p[4]).toBeCloseTo(0.006, 6);
    expect(p[5]).toBeCloseTo(0.002, 6);
    // the median of the same free band leans to the side the neighbour left open
    const free: number[] = [];
    for (let i = 0; i < w * w; i++) if (far[i] === 1 && near[i] === 0) free.push(dab[i]);
    free.sort((a, b) => a - b);
    expect(under - free[free.length >> 1]).toBeGreaterThan(0.02);
  });

  it('a band too small or too thin to fix a slope: flat at its median', () => {
    const near = Int32Array.of(1, 0, 0, 0, 0);
    const far = Int32Array.of(1, 1, 1, 1, 1);
    const dab = Float32Array.of(9, 0.1, 0.4, 0.2, 0.3);
    const p = surroundPlanes(near, far, dab, 1, [0, 0, 4, 0], 5);
    expect([p[3], p[4], p[5]]).toEqual([expect.closeTo(0.25, 6), 0, 0]);
  });

  /** A tile of tissue whose left half carries a diffuse DAB patch; cells = nucleus disc (r 8 px) + stained ring (to 13 px). */
  function tile(cells: { x: number; y: number; own: number }[], background: (x: number, y: number) => number = (x) => (x < 110 ? 0.35 : 0.02)) {
    const W = 220;
    const rgb = rgbRaster(W, W);
    for (let y = 0; y < W; y++) {
      for (let x = 0; x < W; x++) {
        let h = 0.08;
        let dab = background(x, y);
        for (const c of cells) {
          const d2 = (x - c.x) ** 2 + (y - c.y) ** 2;
          if (d2 <= 8 * 8) h = 0.6;
          else if (d2 <= 13 * 13) dab += c.own;
        }
        const [r, g, b] = beerLambert({ h, dab }, HDAB_DEFAULT, 255);
        const i = (y * W + x) * 3;
        rgb.data[i] = Math.round(r);
        rgb.data[i + 1] = Math.round(g);
        rgb.data[i + 2] = Math.round(b);
      }
    }
    return { rgb, core: { id: 0, read: { x0: 0, y0: 0, x1: W, y1: W }, core: { x0: 0, y0: 0, x1: W, y1: W } } };
  }

  it('an unstained cell inside a stained patch is negative; a stained one is graded on its own stain, in the patch or not', () => {
    const cells = [
      { x: 50, y: 60, own: 0 }, // in the patch, unstained
      { x: 50, y: 160, own: 0.45 }, // in the patch, stained 2+
      { x: 170, y: 60, own: 0 }, // clear tissue, unstained
      { x: 170, y: 160, own: 0.45 }, // clear tissue, stained 2+
    ];
    const { rgb, core } = tile(cells);
    const base = { qc: { enabled: false }, compartment: 'cytoplasm' as const, ringUpperFraction: 0.5 };
    const at = (r: ReturnType<typeof analyseTile>, c: { x: number; y: number }) => r.detections.find((d) => Math.hypot(d.x - c.x * MPP, d.y - c.y * MPP) < 1)!;
    const plain = analyseTile(rgb, core, { mpp: MPP, stain: HDAB_DEFAULT, params: resolveParams(base) });
    const above = analyseTile(rgb, core, { mpp: MPP, stain: HDAB_DEFAULT, params: resolveParams({ ...base, surroundDab: { enabled: true } }) });
    expect(plain.detections).toHaveLength(4);
    expect(above.detections).toHaveLength(4);
    // without the surround the patch makes the unstained cell positive and lifts the stained one a grade
    expect([0, 1, 2, 3].map((k) => at(plain, cells[k]).grade)).toEqual([1, 3, 0, 2]);
    expect(at(plain, cells[1]).dabSurround).toBeUndefined();
    expect([0, 1, 2, 3].map((k) => at(above, cells[k]).grade)).toEqual([0, 2, 0, 2]);
    expect(at(above, cells[0]).dabSurround).toBeCloseTo(0.35, 1);
    expect(at(above, cells[2]).dabSurround).toBeCloseTo(0.02, 1);
    // every other measure is the same whether the surround is read or not
    for (const c of cells) expect({ ...at(above, c), dabSurround: undefined, grade: 0 }).toEqual({ ...at(plain, c), dabSurround: undefined, grade: 0 });
  });

  it('on the flank of a smooth patch (IL-1 in sarcoplasm: bumps 20–100 µm across) a cell is graded on its own stain', () => {
    // raised-cosine bumps of peak 0.7 and radius 35 µm centred 20 µm left of each cell
    const bump = (x: number, y: number) => {
      const r = Math.min(1, Math.hypot(x - 40, y - (y < 110 ? 60 : 160)) / 70);
      return 0.02 + 0.7 * 0.5 * (1 + Math.cos(Math.PI * r));
    };
    const cells = [
      { x: 80, y: 60, own: 0 },
      { x: 80, y: 160, own: 0.45 },
    ];
    const { rgb, core } = tile(cells, bump);
    const base = { qc: { enabled: false }, compartment: 'cytoplasm' as const, ringUpperFraction: 0.5 };
    const at = (r: ReturnType<typeof analyseTile>, c: { x: number; y: number }) => r.detections.find((d) => Math.hypot(d.x - c.x * MPP, d.y - c.y * MPP) < 1)!;
    const plain = analyseTile(rgb, core, { mpp: MPP, stain: HDAB_DEFAULT, params: resolveParams(base) });
    const above = analyseTile(rgb, core, { mpp: MPP, stain: HDAB_DEFAULT, params: resolveParams({ ...base, surroundDab: { enabled: true } }) });
    // the tissue under the cells is 0.29 and falls from 0.7 to 0.02 across the band round them (20–32 px from the centre)
    expect(bump(80, 60)).toBeCloseTo(0.29, 2);
    const band: number[] = [];
    for (let y = 20; y <= 100; y++) for (let x = 40; x <= 120; x++) if (Math.abs(Math.hypot(x - 80, y - 60) - 26) <= 6) band.push(bump(x, y));
    band.sort((a, b) => a - b);
    // the band's median, taken off, would leave the negative cell at 1+
    expect(at(plain, cells[0]).dabCytoplasm - band[band.length >> 1]).toBeGreaterThan(0.2);
    expect([at(plain, cells[0]).grade, at(plain, cells[1]).grade]).toEqual([1, 3]);
    expect([at(above, cells[0]).grade, at(above, cells[1]).grade]).toEqual([0, 2]);
    // what was taken off is the tissue under the ring's upper half: a little above the centre's 0.29
    expect(at(above, cells[0]).dabSurround).toBeGreaterThan(0.29);
    expect(at(above, cells[0]).dabSurround).toBeLessThan(0.4);
  });

  it('is on for the IL-1 markers only, with the upper half of the ring', () => {
    for (const m of ['IL-1a', 'IL-1b', 'IL-1Ra'] as const) {
      const p = paramsForMarker(m);
      expect(p.surroundDab).toEqual({ enabled: true, gapUm: 3, widthUm: 6 });
      expect(p.ringUpperFraction).toBe(0.5);
      expect(p.compartment).toBe('cytoplasm');
    }
    for (const m of ['CD163', 'CD3', 'CD68', 'MHC-I'] as const) expect(paramsForMarker(m).surroundDab.enabled).toBe(false);
  });
});
