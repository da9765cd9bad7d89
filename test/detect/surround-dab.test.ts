import { describe, expect, it } from 'vitest';
import { CellExpander, surroundMedians } from '../../src/detect/cells.js';
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

describe('surround DAB (params.surroundDab): the median of a band round each cell, other cells left out', () => {
  it('reads the tissue round a cell, not the cell nor a neighbour inside the band', () => {
    const w = 80;
    const L = nuclei(w, [[30, 40], [48, 40]]);
    const ex = new CellExpander();
    const cells = new Int32Array(w * w);
    const near = new Int32Array(w * w);
    const far = new Int32Array(w * w);
    ex.expand(L, w, w, 4, cells);
    ex.expand(L, w, w, 6, near);
    ex.expand(L, w, w, 14, far);
    // tissue at 0.3; cell 1 stained 0.7 to 6 px (past its own 4 px cell: what the gap is for); cell 2 at 0.9
    const dab = new Float32Array(w * w).fill(0.3);
    for (let i = 0; i < w * w; i++) {
      if (near[i] === 1) dab[i] = 0.7;
      if (cells[i] === 2) dab[i] = 0.9;
    }
    const m = surroundMedians(near, far, dab, 2, [0, 0, w - 1, w - 1], w);
    expect(m[1]).toBeCloseTo(0.3, 6);
    expect(m[2]).toBeCloseTo(0.3, 6);
    // a band with no free pixel (every pixel within the inner edge of some cell): NaN
    const none = surroundMedians(far, far, dab, 2, [0, 0, w - 1, w - 1], w);
    expect(Number.isNaN(none[1])).toBe(true);
  });

  it('even band: the mean of the two middle values', () => {
    const near = Int32Array.of(1, 0, 0, 0, 0);
    const far = Int32Array.of(1, 1, 1, 1, 1);
    const dab = Float32Array.of(9, 0.1, 0.4, 0.2, 0.3);
    expect(surroundMedians(near, far, dab, 1, [0, 0, 4, 0], 5)[1]).toBeCloseTo(0.25, 6);
  });

  /** A tile of tissue whose left half carries a diffuse DAB patch; cells = nucleus disc (r 8 px) + stained ring (to 13 px). */
  function tile(cells: { x: number; y: number; own: number }[]) {
    const W = 220;
    const rgb = rgbRaster(W, W);
    for (let y = 0; y < W; y++) {
      for (let x = 0; x < W; x++) {
        let h = 0.08;
        let dab = x < W / 2 ? 0.35 : 0.02;
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
