/**
 * What the marker stains: MHC class I on fibres (by pattern), DAB on macrophages (CD163) or on
 * infiltrating cells (CD3/CD4/CD8/CD68-type), or IL-1 as diffuse plus cellular DAB. Planted
 * positive values sit well above the SCIENCE.md 1+ threshold (0.2) and negative ones well
 * below, so the truth is unambiguous after blur and noise.
 */
import type { Rng } from '../rng.js';
import type { DabPatch } from '../scene.js';
import { isInflammatory, type MuscleCell } from './cells.js';
import type { MhcPattern, MuscleConfig } from './options.js';
import type { MuscleTissue } from './tissue.js';

export type MhcStatus = 'negative' | 'ring' | 'sarcoplasmic' | 'both';

export interface FibreStain {
  status: MhcStatus;
  /** planted DAB OD in the sarcolemmal band (ringWidth px inside the border) */
  ringOd: number;
  /** planted DAB OD of the interior */
  interiorOd: number;
  ringWidth: number;
  /** counterstain of the sarcoplasm before texture */
  hBase: number;
}

/** SCIENCE.md "Cells": 1+ ≥ 0.2 — a fibre compartment at or above it is positive */
export const MHC_POSITIVE_OD = 0.2;
/** IL-1 "expressed" slides have ≥ this % positive area; non-expressed ones have none (our choice, documented in the truth) */
export const IL1_EXPRESSED_MIN_PCT_AREA = 1;

/** necrotic fibres keep this share of their sarcoplasm's hematoxylin */
const NECROTIC_H_FACTOR = 0.6;

/** Fraction bands per MHC-I grade 1–5, chosen well inside SCIENCE.md's grade ranges. */
const GRADE_FRACTIONS: readonly (readonly [number, number])[] = [
  [0, 0],
  [0.03, 0.08],
  [0.13, 0.22],
  [0.3, 0.45],
  [0.56, 0.94],
  [1, 1],
];

export function stainFibres(cfg: MuscleConfig, rng: Rng, tissue: MuscleTissue): { pattern: MhcPattern; fibres: FibreStain[] } {
  const { mpp } = cfg;
  const n = tissue.fibres.length;
  const fibres: FibreStain[] = tissue.fibres.map((f) => ({
    status: 'negative' as MhcStatus,
    ringOd: 0,
    interiorOd: 0,
    // sarcolemmal band 2–4 µm (brief); sarcoplasm hematoxylin 0.03–0.06 with texture
    ringWidth: rng.uniform(2, 4) / mpp,
    // necrotic sarcoplasm is pale (hyaline, breaking up)
    hBase: rng.uniform(cfg.fibreHOd?.[0] ?? 0.038, cfg.fibreHOd?.[1] ?? 0.05) * (f.necrotic ? NECROTIC_H_FACTOR : 1),
  }));
  if (cfg.marker !== 'MHC-I') return { pattern: 'none', fibres };
  const pattern: MhcPattern = cfg.mhcPattern ?? (['none', 'diffuse', 'focal', 'perifascicular'] as const)[rng.int(4)];
  // focal involvement is limited by definition: grades 1–3 (4, 5 fold onto 1, 2); diffuse may reach every grade
  let g = rng.int(5);
  if (pattern === 'focal' && g > 2) g -= 3;
  const band = GRADE_FRACTIONS[1 + g];
  const fraction = cfg.mhcFraction ?? rng.uniform(band[0], band[1]);
  const positive = new Uint8Array(n);
  const k = Math.round(fraction * n);
  if (pattern === 'diffuse') {
    // a random k-subset (partial Fisher–Yates)
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(n - i);
      [order[i], order[j]] = [order[j], order[i]];
      positive[order[i]] = 1;
    }
  } else if (pattern === 'focal' && n > 0) {
    // the k fibres nearest one or two foci
    const foci = Array.from({ length: 1 + rng.int(2) }, () => tissue.fibres[rng.int(n)]);
    const dist = tissue.fibres.map((f) => Math.min(...foci.map((c) => Math.hypot(f.cx - c.cx, f.cy - c.cy))));
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => dist[a] - dist[b] || a - b);
    for (let i = 0; i < k; i++) positive[order[i]] = 1;
  } else if (pattern === 'perifascicular') {
    for (let i = 0; i < n; i++) if (tissue.fibres[i].perifascicular && rng.next() < 0.9) positive[i] = 1;
  }
  for (let i = 0; i < n; i++) {
    const s = fibres[i];
    if (!positive[i]) {
      s.ringOd = rng.uniform(0, 0.06);
      s.interiorOd = rng.uniform(0, 0.04);
      continue;
    }
    s.status = (['ring', 'sarcoplasmic', 'both'] as const)[rng.pick([0.5, 0.2, 0.3])];
    const ring = rng.uniform(0.3, 0.65);
    const interior = rng.uniform(0.25, 0.5);
    s.interiorOd = s.status === 'ring' ? rng.uniform(0, 0.04) : interior;
    // sarcoplasmic staining fills the fibre up to its border
    s.ringOd = s.status === 'sarcoplasmic' ? interior : ring;
  }
  return { pattern, fibres };
}

/** DAB OD of the cells the marker labels; where on the cell it sits is the scene's dabCompartment (planted.ts). */
export function stainCells(cfg: MuscleConfig, rng: Rng, cells: MuscleCell[], il1Expressed: boolean): void {
  for (const c of cells) {
    let p = 0;
    if (cfg.marker === 'CD163' && c.kind === 'macrophage') p = 1;
    // the 'infiltrate' section is stained for a pan-leukocyte marker (CD45 in the registry)
    else if (cfg.marker === 'infiltrate' && isInflammatory(c.kind)) p = 1;
    else if (cfg.marker.startsWith('IL-1') && il1Expressed && isInflammatory(c.kind)) p = 0.6;
    // draw for every cell so the stream does not depend on the kinds present
    const u = rng.next();
    const od = rng.uniform(0.3, 0.7);
    c.dab = u < p ? od : 0;
  }
}

/** IL-1 diffuse staining: smooth bumps; above threshold when expressed, faint (< 0.2 with background) when not. */
export function il1Patches(cfg: MuscleConfig, rng: Rng, expressed: boolean): DabPatch[] {
  if (!cfg.marker.startsWith('IL-1')) return [];
  const { width, height, mpp } = cfg;
  const areaMm2 = (width * height * mpp * mpp) / 1e6;
  const count = expressed ? Math.max(3, Math.round(areaMm2 * rng.uniform(40, 70))) : Math.round(areaMm2 * rng.uniform(15, 30));
  const patches: DabPatch[] = [];
  for (let i = 0; i < count; i++) {
    const angle = rng.uniform(0, Math.PI);
    patches.push({
      cx: rng.uniform(0, width),
      cy: rng.uniform(0, height),
      rx: rng.uniform(20, 50) / mpp,
      ry: rng.uniform(20, 50) / mpp,
      cos: Math.cos(angle),
      sin: Math.sin(angle),
      peak: expressed ? rng.uniform(0.35, 0.65) : rng.uniform(0.05, 0.14),
    });
  }
  return patches;
}
