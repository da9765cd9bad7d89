/**
 * Planted artefact geometry in pixels and the per-position tests every consumer shares
 * (render, truth, tests). Each test is a function of the global pixel position only, so a
 * rendered region equals the same crop of the whole image.
 */
import type { CellGrid } from '../cell-grid.js';

/** A band along a circular arc: |distance to (cx, cy) − r| ≤ halfWidth, angle in [a0, a0 + span]. */
export interface ArcBand {
  cx: number;
  cy: number;
  r: number;
  a0: number;
  span: number;
  halfWidth: number;
}

/** Out-of-focus patch: weight 1 inside `inner`, smooth fall to 0 at `outer`. */
export interface FocusPatch {
  cx: number;
  cy: number;
  inner: number;
  outer: number;
}

/** Tissue fold: double-thickness band, stain concentrations × factor. */
export interface Fold {
  band: ArcBand;
  factor: number;
}

export const INK_COLOURS = ['blue', 'green', 'black'] as const;
export type InkColour = (typeof INK_COLOURS)[number];

/** Pen stroke on the coverslip: ink OD along a band. */
export interface PenStroke {
  band: ArcBand;
  colour: InkColour;
  /** unit OD vector of the ink per RGB channel */
  vector: readonly [number, number, number];
  od: number;
}

/** Air bubble or debris: a star-shaped region r(θ) = r0·(1 + Σ amp·cos(kθ + phase)). */
export interface Bubble {
  cx: number;
  cy: number;
  r0: number;
  harmonics: { k: number; amp: number; phase: number }[];
  /** dark rim width px */
  rim: number;
  /** neutral OD of the rim and of the flat interior */
  rimOd: number;
  interiorOd: number;
  /** flat interior hematoxylin OD (replaces the tissue texture) */
  interiorH: number;
}

/** Ice-crystal hole (freezing artefact): a disc of missing tissue inside a fibre. */
export interface IceHole {
  cx: number;
  cy: number;
  r: number;
}

export interface PlantedRealism {
  /** ±amplitude of the linear gradient along gradientAngle (radians) */
  gradient: number;
  gradientAngle: number;
  /** corners darker than the centre by this fraction */
  vignette: number;
  /** image size px: the illumination field is centred on the image */
  width: number;
  height: number;
  /** sigma px of the heavy blur inside focus patches */
  heavySigma: number;
  focus: FocusPatch[];
  folds: Fold[];
  pens: PenStroke[];
  bubbles: Bubble[];
  ice: IceHole[];
  iceGrid: CellGrid | null;
  /** largest hole radius px */
  iceMaxR: number;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const TAU = 2 * Math.PI;

export function inArcBand(b: ArcBand, x: number, y: number): boolean {
  const dx = x - b.cx;
  const dy = y - b.cy;
  const d = Math.hypot(dx, dy);
  if (Math.abs(d - b.r) > b.halfWidth) return false;
  let t = Math.atan2(dy, dx) - b.a0;
  t -= TAU * Math.floor(t / TAU);
  return t <= b.span;
}

export function arcBandBox(b: ArcBand): Box {
  const pts = arcBandPolygon(b, 32);
  return boxOf(pts);
}

/** Outline of the band: outer edge along the arc, inner edge back. */
export function arcBandPolygon(b: ArcBand, n = 24): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i <= n; i++) {
    const a = b.a0 + (b.span * i) / n;
    out.push([b.cx + (b.r + b.halfWidth) * Math.cos(a), b.cy + (b.r + b.halfWidth) * Math.sin(a)]);
  }
  for (let i = n; i >= 0; i--) {
    const a = b.a0 + (b.span * i) / n;
    out.push([b.cx + Math.max(0, b.r - b.halfWidth) * Math.cos(a), b.cy + Math.max(0, b.r - b.halfWidth) * Math.sin(a)]);
  }
  return out;
}

export function focusWeight(f: FocusPatch, x: number, y: number): number {
  const d = Math.hypot(x - f.cx, y - f.cy);
  if (d >= f.outer) return 0;
  if (d <= f.inner) return 1;
  const t = (f.outer - d) / (f.outer - f.inner);
  return t * t * (3 - 2 * t);
}

export function bubbleRadius(b: Bubble, x: number, y: number): number {
  const th = Math.atan2(y - b.cy, x - b.cx);
  let s = 1;
  for (const h of b.harmonics) s += h.amp * Math.cos(h.k * th + h.phase);
  return b.r0 * s;
}

/** 0 outside, 1 flat interior, 2 dark rim */
export function bubbleZone(b: Bubble, x: number, y: number): 0 | 1 | 2 {
  const d = Math.hypot(x - b.cx, y - b.cy);
  const reach = bubbleReach(b);
  if (d > reach) return 0;
  const r = bubbleRadius(b, x, y);
  if (d > r) return 0;
  return d > r - b.rim ? 2 : 1;
}

export function bubbleReach(b: Bubble): number {
  let s = 1;
  for (const h of b.harmonics) s += Math.abs(h.amp);
  return b.r0 * s;
}

export function bubblePolygon(b: Bubble, n = 48): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const th = (TAU * i) / n;
    let s = 1;
    for (const h of b.harmonics) s += h.amp * Math.cos(h.k * th + h.phase);
    out.push([b.cx + b.r0 * s * Math.cos(th), b.cy + b.r0 * s * Math.sin(th)]);
  }
  return out;
}

export function boxOf(pts: readonly (readonly [number, number])[]): Box {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y] of pts) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return { x0, y0, x1, y1 };
}

/** The intersection of a box with the rectangle [x0, x0+w) × [y0, y0+h) in integer pixels, or null. */
export function clipBox(b: Box, x0: number, y0: number, w: number, h: number): Box | null {
  const xa = Math.max(x0, Math.floor(b.x0) - 1);
  const xb = Math.min(x0 + w - 1, Math.ceil(b.x1) + 1);
  const ya = Math.max(y0, Math.floor(b.y0) - 1);
  const yb = Math.min(y0 + h - 1, Math.ceil(b.y1) + 1);
  return xa > xb || ya > yb ? null : { x0: xa, y0: ya, x1: xb, y1: yb };
}

/** Illumination field: (1 + gradient·projection) · (1 − vignette·ρ²), projection ±1 at the far edges, ρ = 1 at the corners. */
export function illuminationField(r: PlantedRealism): (x: number, y: number) => number {
  const cx = (r.width - 1) / 2;
  const cy = (r.height - 1) / 2;
  const half = (Math.abs(Math.cos(r.gradientAngle)) * (r.width - 1) + Math.abs(Math.sin(r.gradientAngle)) * (r.height - 1)) / 2;
  const gc = (r.gradient * Math.cos(r.gradientAngle)) / half;
  const gs = (r.gradient * Math.sin(r.gradientAngle)) / half;
  const v = r.vignette / (cx * cx + cy * cy);
  return (x, y) => (1 + (x - cx) * gc + (y - cy) * gs) * (1 - v * ((x - cx) ** 2 + (y - cy) ** 2));
}

export function hasIllumination(r: PlantedRealism): boolean {
  return r.gradient !== 0 || r.vignette !== 0;
}
