/**
 * Noise-free, pre-blur stain concentrations of a muscle scene over any rectangle, plus which
 * fibre and which cell owns each pixel. Every value is a function of the global pixel position
 * only (region-independent). Shared by rendering, ground truth and the segmenters' tests.
 *
 * Layers, later ones on top: connective tissue (endomysium and perimysium) → vessel walls and
 * lumens → fibres (sarcoplasm, faint sarcolemma, MHC-I DAB) → IL-1 diffuse DAB → cells.
 */
import { forEachCellNear } from '../cell-grid.js';
import { MEMBRANE_UM, carriesDab, inGrownEllipse } from '../dab-compartment.js';
import { plantedBuffers, type PlantedBuffers } from '../planted.js';
import { punchIceHoles } from '../realism/apply.js';
import { fbm, valueNoise } from '../rng.js';
import type { MuscleScene } from './scene.js';
import { inSection } from './section.js';
import { MAX_VESSEL_RADIUS_UM, forFibresIn } from './tissue.js';

/** connective tissue (septa, endomysium) hematoxylin 0.08–0.15 OD (brief) */
const CONNECTIVE_H_MIN = 0.08;
const CONNECTIVE_H_RANGE = 0.07;
const CONNECTIVE_WAVELENGTH_UM = 15;
/** unspecific DAB background 0–0.03 OD, as in the cell scene */
const DAB_BASE_MAX = 0.03;
const DAB_BASE_WAVELENGTH_UM = 50;
/** sarcoplasm texture: ±0.008 OD at ~2.5 µm */
const FIBRE_TEXTURE_OD = 0.016;
const FIBRE_TEXTURE_UM = 2.5;
/** faint sarcolemma: +0.02 OD in the outer 0.7 µm of a fibre */
const SARCOLEMMA_OD = 0.02;
const SARCOLEMMA_UM = 0.7;
const NUCLEUS_TEXTURE_UM = 1.5;
/** smooth fields are evaluated on a global lattice this many px apart and interpolated */
const FIELD_STEP = 4;

/** PlantedBuffers plus the fibre id of each pixel (−1 outside fibres). */
export interface MusclePlanted extends PlantedBuffers {
  fibre: Int32Array;
}

export function musclePlantedBuffers(pixels: number): MusclePlanted {
  return { ...plantedBuffers(pixels), fibre: new Int32Array(pixels) };
}

/**
 * Fills h / dab / tissue / owner (cell id or −1) and, when given, fibre ids for
 * [x0, x0+w) × [y0, y0+h). The rectangle may extend past the image (blur margin).
 */
export function plantMuscleRegion(scene: MuscleScene, x0: number, y0: number, w: number, h: number, buf: PlantedBuffers, fibreOut?: Int32Array): PlantedBuffers {
  if (buf.h.length < w * h) throw new RangeError(`planted buffers hold ${buf.h.length} px, region needs ${w * h}`);
  if (fibreOut && fibreOut.length < w * h) throw new RangeError(`fibre buffer holds ${fibreOut.length} px, region needs ${w * h}`);
  fillConnective(scene, x0, y0, w, h, buf);
  // clipping to the section asks which fibre owns each pixel near its outline; the fibres' own
  // painting answers that once, where a per-pixel fibreAt search cost a quarter of rendering
  const fibres = fibreOut ?? (scene.section ? fibreScratch(w * h) : undefined);
  if (fibres) fibres.fill(-1, 0, w * h);
  addVessels(scene, x0, y0, w, h, buf);
  addFibres(scene, x0, y0, w, h, buf, fibres);
  addPatches(scene, x0, y0, w, h, buf);
  addCells(scene, x0, y0, w, h, buf);
  // freezing artefact: holes are missing tissue, so they belong to the planted scene (truth sees them)
  punchIceHoles(scene.realism, x0, y0, w, h, buf);
  if (scene.section) clipToSection(scene, x0, y0, w, h, buf, fibres!, fibreOut !== undefined);
  return buf;
}

let scratch = new Int32Array(0);
function fibreScratch(pixels: number): Int32Array {
  if (scratch.length < pixels) scratch = new Int32Array(pixels);
  return scratch;
}

/** Glass outside the section (options.ts sectionMarginUm). */
function clipToSection(scene: MuscleScene, x0: number, y0: number, w: number, h: number, buf: PlantedBuffers, fibres: Int32Array, clearFibres: boolean): void {
  const { h: hOut, dab, tissue, owner, nucleusH } = buf;
  for (let y = 0; y < h; y++) {
    for (let x = 0, p = y * w; x < w; x++, p++) {
      if (inSection(scene.section, scene.tissue, x0 + x, y0 + y, fibres[p])) continue;
      hOut[p] = 0;
      dab[p] = 0;
      tissue[p] = 0;
      owner[p] = -1;
      nucleusH[p] = 0;
      if (clearFibres) fibres[p] = -1;
    }
  }
}

export function plantMuscleInto(scene: MuscleScene, x0: number, y0: number, w: number, h: number, buf: MusclePlanted): MusclePlanted {
  plantMuscleRegion(scene, x0, y0, w, h, buf, buf.fibre);
  return buf;
}

function fillConnective(scene: MuscleScene, x0: number, y0: number, w: number, h: number, buf: PlantedBuffers): void {
  const S = FIELD_STEP;
  const gx0 = Math.floor(x0 / S);
  const gy0 = Math.floor(y0 / S);
  const cols = Math.floor((x0 + w - 1) / S) + 2 - gx0;
  const rows = Math.floor((y0 + h - 1) / S) + 2 - gy0;
  const conn = new Float64Array(cols * rows);
  const base = new Float64Array(cols * rows);
  const lc = CONNECTIVE_WAVELENGTH_UM / scene.mpp;
  const band = scene.config.connectiveHOd;
  const connMin = band ? band[0] : CONNECTIVE_H_MIN;
  const connRange = band ? band[1] - band[0] : CONNECTIVE_H_RANGE;
  const ld = DAB_BASE_WAVELENGTH_UM / scene.mpp;
  for (let j = 0; j < rows; j++) {
    const gy = (gy0 + j) * S;
    for (let i = 0; i < cols; i++) {
      const gx = (gx0 + i) * S;
      conn[j * cols + i] = connMin + connRange * fbm(scene.seeds.connective, gx / lc, gy / lc, 2);
      base[j * cols + i] = DAB_BASE_MAX * valueNoise(scene.seeds.dabBase, gx / ld, gy / ld);
    }
  }
  const { h: hOut, dab, tissue, ownerD2, owner, nucleusH } = buf;
  for (let y = 0; y < h; y++) {
    const gy = Math.floor((y0 + y) / S);
    const r0 = (gy - gy0) * cols;
    const r1 = r0 + cols;
    const fy = (y0 + y - gy * S) / S;
    let p = y * w;
    for (let x = 0; x < w; x++, p++) {
      const gx = Math.floor((x0 + x) / S);
      const i = gx - gx0;
      const fx = (x0 + x - gx * S) / S;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      hOut[p] = w00 * conn[r0 + i] + w10 * conn[r0 + i + 1] + w01 * conn[r1 + i] + w11 * conn[r1 + i + 1];
      dab[p] = w00 * base[r0 + i] + w10 * base[r0 + i + 1] + w01 * base[r1 + i] + w11 * base[r1 + i + 1];
      // the section covers the whole image; only vessel lumens are empty
      tissue[p] = 1;
      ownerD2[p] = Infinity;
      owner[p] = -1;
      nucleusH[p] = 0;
    }
  }
}

function addVessels(scene: MuscleScene, x0: number, y0: number, w: number, h: number, buf: PlantedBuffers): void {
  const { h: hOut, dab, tissue } = buf;
  const { vessels, vesselGrid } = scene.tissue;
  // vessels are filed by centre
  const reach = Math.max(w, h) / 2 + Math.max(MAX_VESSEL_RADIUS_UM, scene.config.vesselRadiusUm?.[1] ?? 0) / scene.mpp + 1;
  for (const k of vesselGrid.near(x0 + w / 2, y0 + h / 2, reach, [])) {
    const v = vessels[k];
    const xa = Math.max(x0, Math.ceil(v.x - v.r));
    const xb = Math.min(x0 + w - 1, Math.floor(v.x + v.r));
    const ya = Math.max(y0, Math.ceil(v.y - v.r));
    const yb = Math.min(y0 + h - 1, Math.floor(v.y + v.r));
    const r2 = v.r * v.r;
    const lumen2 = (v.r - v.wall) ** 2;
    const wallH = scene.vesselH[k];
    for (let y = ya; y <= yb; y++) {
      let p = (y - y0) * w + (xa - x0);
      for (let x = xa; x <= xb; x++, p++) {
        const d2 = (x - v.x) ** 2 + (y - v.y) ** 2;
        if (d2 > r2) continue;
        if (d2 <= lumen2) {
          hOut[p] = 0;
          dab[p] = 0;
          tissue[p] = 0;
        } else {
          hOut[p] = wallH;
        }
      }
    }
  }
}

function addFibres(scene: MuscleScene, x0: number, y0: number, w: number, h: number, buf: PlantedBuffers, fibreOut?: Int32Array): void {
  const { h: hOut, dab } = buf;
  const x1 = x0 + w - 1;
  const y1 = y0 + h - 1;
  const lt = FIBRE_TEXTURE_UM / scene.mpp;
  const sarcolemma = SARCOLEMMA_UM / scene.mpp;
  const seedT = scene.seeds.fibreTexture;
  forFibresIn(scene.tissue, x0, y0, x1, y1, (id) => {
    const f = scene.tissue.fibres[id];
    const xa = Math.max(x0, f.x0);
    const xb = Math.min(x1, f.x1);
    const ya = Math.max(y0, f.y0);
    const yb = Math.min(y1, f.y1);
    if (xa > xb || ya > yb) return;
    const st = scene.fibreStain[f.id];
    const e = f.edges;
    const ne = e.length;
    for (let y = ya; y <= yb; y++) {
      let p = (y - y0) * w + (xa - x0);
      for (let x = xa; x <= xb; x++, p++) {
        let d = Infinity;
        for (let k = 0; k < ne; k += 3) {
          const v = e[k + 2] - (e[k] * x + e[k + 1] * y);
          if (v < d) d = v;
        }
        if (d < 0) continue;
        if (fibreOut) fibreOut[p] = f.id;
        hOut[p] = st.hBase + FIBRE_TEXTURE_OD * (valueNoise(seedT, x / lt, y / lt) - 0.5) + (d < sarcolemma ? SARCOLEMMA_OD : 0);
        dab[p] += d < st.ringWidth ? st.ringOd : st.interiorOd;
      }
    }
  });
}

/**
 * IL-1 diffuse DAB. Overlapping bumps combine by maximum, not sum, so faint (non-expressed)
 * staining never adds up past a threshold. nucleusH is all zero here and serves as scratch.
 */
function addPatches(scene: MuscleScene, x0: number, y0: number, w: number, h: number, buf: PlantedBuffers): void {
  if (scene.patches.length === 0) return;
  const { dab, tissue, nucleusH: peak } = buf;
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
        const dx = x - pt.cx;
        const u = (dx * pt.cos + dy * pt.sin) / pt.rx;
        const v = (dy * pt.cos - dx * pt.sin) / pt.ry;
        const rho2 = u * u + v * v;
        if (rho2 < 1) {
          const b = pt.peak * 0.5 * (1 + Math.cos(Math.PI * Math.sqrt(rho2)));
          if (b > peak[p]) peak[p] = b;
        }
      }
    }
  }
  const n = w * h;
  for (let p = 0; p < n; p++) {
    if (tissue[p] !== 0) dab[p] += peak[p];
    peak[p] = 0;
  }
}

function addCells(scene: MuscleScene, x0: number, y0: number, w: number, h: number, buf: PlantedBuffers): void {
  const { cells } = scene;
  const { h: hOut, dab, tissue, ownerD2, owner, nucleusH } = buf;
  const x1 = x0 + w - 1;
  const y1 = y0 + h - 1;
  const seedN = scene.seeds.nucleus;
  const ln = NUCLEUS_TEXTURE_UM / scene.mpp;
  forEachCellNear(scene.cellGrid, x0, y0, x1, y1, scene.maxCellRadius, (id) => {
    const c = cells[id];
    const reach = Math.max(c.rc, c.rx, c.ry);
    const xa = Math.max(x0, Math.ceil(c.x - reach));
    const xb = Math.min(x1, Math.floor(c.x + reach));
    const ya = Math.max(y0, Math.ceil(c.y - reach));
    const yb = Math.min(y1, Math.floor(c.y + reach));
    if (xa > xb || ya > yb) return;
    const rc2 = c.rc * c.rc;
    const irx2 = 1 / (c.rx * c.rx);
    const iry2 = 1 / (c.ry * c.ry);
    for (let y = ya; y <= yb; y++) {
      const dy = y - c.y;
      let p = (y - y0) * w + (xa - x0);
      for (let x = xa; x <= xb; x++, p++) {
        const dx = x - c.x;
        const d2 = dx * dx + dy * dy;
        const u = dx * c.cos + dy * c.sin;
        const v = dy * c.cos - dx * c.sin;
        const inNucleus = u * u * irx2 + v * v * iry2 <= 1;
        if (d2 > rc2 && !inNucleus) continue;
        // a pixel belongs to the nearest centre among the cells covering it (ties: lower id)
        if (d2 < ownerD2[p] || (d2 === ownerD2[p] && id < owner[p])) {
          ownerD2[p] = d2;
          owner[p] = id;
        }
        if (inNucleus) {
          // mild chromatin texture, ±15 % around the planted nucleus OD
          const hv = c.hOd * (0.85 + 0.3 * valueNoise(seedN, x / ln, y / ln));
          if (hv > nucleusH[p]) nucleusH[p] = hv;
        }
      }
    }
  });
  const compartment = scene.dabCompartment;
  const grow = MEMBRANE_UM / scene.mpp;
  for (let y = 0, p = 0; y < h; y++) {
    for (let x = 0; x < w; x++, p++) {
      const o = owner[p];
      if (o < 0) continue;
      const inNucleus = nucleusH[p] > 0;
      if (inNucleus) hOut[p] = nucleusH[p];
      const c = cells[o];
      if (c.dab > 0 && carriesDab(compartment, inNucleus, () => inGrownEllipse(x0 + x - c.x, y0 + y - c.y, c.rx, c.ry, c.cos, c.sin, grow))) {
        dab[p] = c.dab;
        tissue[p] = 1;
      }
    }
  }
}
