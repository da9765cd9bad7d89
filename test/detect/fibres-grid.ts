import { floatPlane, type FloatPlane } from '../../src/image/raster.js';

/** Hand-made muscle: fascicles of rectangular fibres on a connective background, µm geometry at `mpp`. */
export interface GridFibre {
  x0: number;
  y0: number;
  w: number;
  h: number;
  fascicle: number;
  edge: boolean;
  ring: number;
  interior: number;
}

export interface GridScene {
  h: FloatPlane;
  dab: FloatPlane;
  mpp: number;
  fibres: GridFibre[];
  nuclei: Array<{ x: number; y: number; internal: boolean }>;
}

export const GRID = { fibreW: 60, fibreH: 40, gap: 3, septum: 20, margin: 12, cols: 3, rows: 3, connective: 0.12, fibre: 0.045 };

/**
 * Two fascicles of 3 × 3 fibres (60 × 40 µm, endomysium 3 µm) separated by a 20 µm septum, glass
 * around. Fibre (1,1) of fascicle 1 has a DAB ring (3 µm, OD 0.3); fibre (0,0) of fascicle 2 a
 * stained sarcoplasm (0.3); the wall between fibres (0,2) and (1,2) of fascicle 2 is broken over
 * half its length (they touch). Nuclei: one internal (centre of fascicle 1 fibre (0,0)), one
 * peripheral (on the right border of that fibre).
 */
export function gridScene(mpp = 0.5, seed = 1): GridScene {
  const g = GRID;
  const fascW = g.cols * g.fibreW + (g.cols + 1) * g.gap;
  const fascH = g.rows * g.fibreH + (g.rows + 1) * g.gap;
  const wUm = 2 * g.margin + 2 * fascW + g.septum;
  const hUm = 2 * g.margin + fascH;
  const W = Math.round(wUm / mpp);
  const H = Math.round(hUm / mpp);
  const hp = floatPlane(W, H);
  const dp = floatPlane(W, H);
  let st = seed >>> 0;
  const rnd = () => ((st = (st * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const fill = (x0: number, y0: number, x1: number, y1: number, plane: FloatPlane, v: number) => {
    for (let y = Math.round(y0 / mpp); y < Math.round(y1 / mpp); y++) {
      for (let x = Math.round(x0 / mpp); x < Math.round(x1 / mpp); x++) plane.data[y * W + x] = v;
    }
  };
  // connective tissue (perimysium + endomysium) under both fascicles and the septum
  fill(g.margin, g.margin, wUm - g.margin, hUm - g.margin, hp, g.connective);
  const fibres: GridFibre[] = [];
  for (let f = 0; f < 2; f++) {
    const fx = g.margin + f * (fascW + g.septum);
    for (let r = 0; r < g.rows; r++) {
      for (let c = 0; c < g.cols; c++) {
        const x0 = fx + g.gap + c * (g.fibreW + g.gap);
        const y0 = g.margin + g.gap + r * (g.fibreH + g.gap);
        const ring = f === 0 && r === 1 && c === 1 ? 0.3 : 0;
        const interior = f === 1 && r === 0 && c === 0 ? 0.3 : 0;
        fibres.push({ x0, y0, w: g.fibreW, h: g.fibreH, fascicle: f + 1, edge: !(r === 1 && c === 1), ring, interior });
        fill(x0, y0, x0 + g.fibreW, y0 + g.fibreH, hp, g.fibre);
        if (interior) fill(x0, y0, x0 + g.fibreW, y0 + g.fibreH, dp, interior);
        if (ring) {
          fill(x0, y0, x0 + g.fibreW, y0 + g.fibreH, dp, ring);
          fill(x0 + 3, y0 + 3, x0 + g.fibreW - 3, y0 + g.fibreH - 3, dp, 0);
        }
      }
    }
    if (f === 1) {
      // broken wall: fibres (0,2) and (1,2) touch over the lower half of their shared side
      const x = fx + g.gap + g.fibreW;
      const y0 = g.margin + g.gap + 2 * (g.fibreH + g.gap);
      fill(x, y0 + g.fibreH / 2, x + g.gap, y0 + g.fibreH, hp, g.fibre);
    }
  }
  const f0 = fibres[0];
  const nuclei = [
    { x: f0.x0 + f0.w / 2, y: f0.y0 + f0.h / 2, internal: true },
    { x: f0.x0 + f0.w - 1, y: f0.y0 + f0.h / 2, internal: false },
  ];
  // dark nuclei: 3 µm radius discs
  for (const nu of nuclei) {
    for (let y = Math.round((nu.y - 3) / mpp); y <= Math.round((nu.y + 3) / mpp); y++) {
      for (let x = Math.round((nu.x - 3) / mpp); x <= Math.round((nu.x + 3) / mpp); x++) {
        if ((x * mpp - nu.x) ** 2 + (y * mpp - nu.y) ** 2 <= 9) hp.data[y * W + x] = 0.4;
      }
    }
  }
  // texture: ±0.01 OD everywhere tissue is
  for (let i = 0; i < W * H; i++) if (hp.data[i] > 0) hp.data[i] += (rnd() - 0.5) * 0.02;
  return { h: hp, dab: dp, mpp, fibres, nuclei };
}
