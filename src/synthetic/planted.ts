/**
 * The noise-free, pre-blur stain concentrations of a scene over any rectangle: hematoxylin OD,
 * DAB OD and the tissue mask. Every value is a function of the global pixel position only,
 * so any cut of the image gives the same numbers. Shared by rendering and ground truth.
 */
import { forEachCellNear } from './cell-grid.js';
import { MEMBRANE_UM, carriesDab, inGrownEllipse } from './dab-compartment.js';
import { fbm, valueNoise } from './rng.js';
import { addStromaTexture } from './stroma-texture.js';
import { TISSUE_OCTAVES, type Scene } from './scene.js';

/** stroma counterstain: hematoxylin 0.05–0.12 OD with low-frequency texture (brief) */
const STROMA_H_MIN = 0.05;
const STROMA_H_RANGE = 0.07;
/** unspecific DAB background of stroma, 0–0.03 OD */
const DAB_BASE_MAX = 0.03;
/** smooth fields are evaluated on a global lattice this many px apart and interpolated */
const FIELD_STEP = 4;

export interface PlantedBuffers {
  h: Float32Array;
  dab: Float32Array;
  tissue: Uint8Array;
  ownerD2: Float32Array;
  owner: Int32Array;
  nucleusH: Float32Array;
}

export function plantedBuffers(pixels: number): PlantedBuffers {
  return {
    h: new Float32Array(pixels),
    dab: new Float32Array(pixels),
    tissue: new Uint8Array(pixels),
    ownerD2: new Float32Array(pixels),
    owner: new Int32Array(pixels),
    nucleusH: new Float32Array(pixels),
  };
}

/**
 * Fills buf.h / buf.dab / buf.tissue (row-major, width w) for [x0, x0+w) × [y0, y0+h).
 * The rectangle may extend past the image (rendering needs a blur margin); cells exist only inside.
 */
export function plantRegion(scene: Scene, x0: number, y0: number, w: number, h: number, buf: PlantedBuffers): PlantedBuffers {
  if (buf.h.length < w * h) throw new RangeError(`planted buffers hold ${buf.h.length} px, region needs ${w * h}`);
  fillFields(scene, x0, y0, w, h, buf);
  if (scene.stromaTexture) addStromaTexture(scene.stromaTexture, x0, y0, w, h, buf.h, buf.dab);
  addPatches(scene, x0, y0, w, h, buf);
  addCells(scene, x0, y0, w, h, buf);
  return buf;
}

function fillFields(scene: Scene, x0: number, y0: number, w: number, h: number, buf: PlantedBuffers): void {
  const S = FIELD_STEP;
  const gx0 = Math.floor(x0 / S);
  const gy0 = Math.floor(y0 / S);
  const cols = Math.floor((x0 + w - 1) / S) + 2 - gx0;
  const rows = Math.floor((y0 + h - 1) / S) + 2 - gy0;
  const tissueF = new Float64Array(cols * rows);
  const stroma = new Float64Array(cols * rows);
  const base = new Float64Array(cols * rows);
  const { seeds, tissueWavelengthPx: lt, stromaWavelengthPx: ls, dabBaseWavelengthPx: ld } = scene;
  for (let j = 0; j < rows; j++) {
    const gy = (gy0 + j) * S;
    for (let i = 0; i < cols; i++) {
      const gx = (gx0 + i) * S;
      const k = j * cols + i;
      tissueF[k] = fbm(seeds.tissue, gx / lt, gy / lt, TISSUE_OCTAVES);
      stroma[k] = STROMA_H_MIN + STROMA_H_RANGE * fbm(seeds.stroma, gx / ls, gy / ls, 2);
      base[k] = DAB_BASE_MAX * valueNoise(seeds.dabBase, gx / ld, gy / ld);
    }
  }
  // per-column lattice index and weight, shared by every row
  const colI = new Int32Array(w);
  const colF = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const gx = Math.floor((x0 + x) / S);
    colI[x] = gx - gx0;
    colF[x] = (x0 + x - gx * S) / S;
  }
  const thr = scene.tissueThreshold;
  const { h: hOut, dab, tissue, ownerD2, owner, nucleusH } = buf;
  for (let y = 0; y < h; y++) {
    const gy = Math.floor((y0 + y) / S);
    const r0 = (gy - gy0) * cols;
    const r1 = r0 + cols;
    const fy = (y0 + y - gy * S) / S;
    let p = y * w;
    for (let x = 0; x < w; x++, p++) {
      const i = colI[x];
      const fx = colF[x];
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const t = w00 * tissueF[r0 + i] + w10 * tissueF[r0 + i + 1] + w01 * tissueF[r1 + i] + w11 * tissueF[r1 + i + 1];
      tissue[p] = t > thr ? 1 : 0;
      // computed everywhere: a cell's rim may poke out of the tissue field and needs stroma under it
      hOut[p] = w00 * stroma[r0 + i] + w10 * stroma[r0 + i + 1] + w01 * stroma[r1 + i] + w11 * stroma[r1 + i + 1];
      dab[p] = w00 * base[r0 + i] + w10 * base[r0 + i + 1] + w01 * base[r1 + i] + w11 * base[r1 + i + 1];
      ownerD2[p] = Infinity;
      owner[p] = -1;
      nucleusH[p] = 0;
    }
  }
}

function addPatches(scene: Scene, x0: number, y0: number, w: number, h: number, buf: PlantedBuffers): void {
  const { dab, tissue } = buf;
  for (const pt of scene.patches) {
    const r = Math.max(pt.rx, pt.ry);
    const xa = Math.max(x0, Math.ceil(pt.cx - r));
    const xb = Math.min(x0 + w - 1, Math.floor(pt.cx + r));
    const ya = Math.max(y0, Math.ceil(pt.cy - r));
    const yb = Math.min(y0 + h - 1, Math.floor(pt.cy + r));
    for (let y = ya; y <= yb; y++) {
      const dy = y - pt.cy;
      let p = (y - y0) * w + (xa - x0);
      for (let x = xa; x <= xb; x++, p++) {
        if (tissue[p] === 0) continue;
        const dx = x - pt.cx;
        const u = (dx * pt.cos + dy * pt.sin) / pt.rx;
        const v = (dy * pt.cos - dx * pt.sin) / pt.ry;
        const rho2 = u * u + v * v;
        if (rho2 < 1) dab[p] += pt.peak * 0.5 * (1 + Math.cos(Math.PI * Math.sqrt(rho2)));
      }
    }
  }
}

function addCells(scene: Scene, x0: number, y0: number, w: number, h: number, buf: PlantedBuffers): void {
  const { cells } = scene;
  const { h: hOut, dab, tissue, ownerD2, owner, nucleusH } = buf;
  const x1 = x0 + w - 1;
  const y1 = y0 + h - 1;
  const seedN = scene.seeds.nucleus;
  const ln = scene.nucleusTextureWavelengthPx;
  // default 0.3: 0.85 + 0.3·noise, ±15 % around the planted OD
  const chromatin = scene.config.chromatin;
  const chromatinBase = 1 - chromatin / 2;
  forEachCellNear(scene.cellGrid, x0, y0, x1, y1, scene.maxCellRadius, (id) => {
    const c = cells[id];
    const xa = Math.max(x0, Math.ceil(c.cx - c.rc));
    const xb = Math.min(x1, Math.floor(c.cx + c.rc));
    const ya = Math.max(y0, Math.ceil(c.cy - c.rc));
    const yb = Math.min(y1, Math.floor(c.cy + c.rc));
    if (xa > xb || ya > yb) return;
    const rc2 = c.rc * c.rc;
    const irx2 = 1 / (c.rx * c.rx);
    const iry2 = 1 / (c.ry * c.ry);
    for (let y = ya; y <= yb; y++) {
      const dy = y - c.cy;
      let p = (y - y0) * w + (xa - x0);
      for (let x = xa; x <= xb; x++, p++) {
        const dx = x - c.cx;
        const d2 = dx * dx + dy * dy;
        if (d2 > rc2) continue;
        // each pixel belongs to the nearest centre among the cells covering it (ties: lower id)
        if (d2 < ownerD2[p] || (d2 === ownerD2[p] && id < owner[p])) {
          ownerD2[p] = d2;
          owner[p] = id;
        }
        const u = dx * c.cos + dy * c.sin;
        const v = dy * c.cos - dx * c.sin;
        if (u * u * irx2 + v * v * iry2 <= 1) {
          // chromatin texture around the planted nucleus OD (scene option `chromatin`)
          const hv = c.hOd * (chromatinBase + chromatin * valueNoise(seedN, x / ln, y / ln));
          if (hv > nucleusH[p]) nucleusH[p] = hv;
        }
      }
    }
  });
  const compartment = scene.compartment;
  const grow = MEMBRANE_UM / scene.mpp;
  for (let y = 0, p = 0; y < h; y++) {
    for (let x = 0; x < w; x++, p++) {
      const o = owner[p];
      if (o < 0) {
        if (tissue[p] === 0) {
          hOut[p] = 0;
          dab[p] = 0;
        }
        continue;
      }
      const inNucleus = nucleusH[p] > 0;
      tissue[p] = 1;
      if (inNucleus) hOut[p] = nucleusH[p];
      const c = cells[o];
      if (carriesDab(compartment, inNucleus, () => inGrownEllipse(x0 + x - c.cx, y0 + y - c.cy, c.rx, c.ry, c.cos, c.sin, grow))) dab[p] = c.dab;
    }
  }
}
