/**
 * Where the section is (sectionMarginUm in options.ts): an inset rectangle whose edge follows
 * whole fibres and whole vessels (kept when their centre lies inside). A pure function of
 * position, so planting, cell filtering and truth agree.
 */
import { fibreAt, vesselAt, type MuscleTissue } from './tissue.js';

export interface Section {
  /** inset rectangle, px, half-open */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** per fibre id: 1 when the fibre is part of the section */
  fibreKept: Uint8Array;
  /** px: farther than this from the rectangle's edge, fibres cannot change the answer */
  reach: number;
  /** 'round': the ellipse inscribed in the rectangle is the outline */
  round: boolean;
}

export function makeSection(tissue: MuscleTissue, width: number, height: number, marginPx: number, round = false): Section | null {
  if (!(marginPx > 0)) return null;
  const s = { x0: marginPx, y0: marginPx, x1: width - marginPx, y1: height - marginPx, round };
  const fibreKept = new Uint8Array(tissue.fibres.length);
  let reach = 1;
  for (const f of tissue.fibres) {
    fibreKept[f.id] = inRect(s, f.cx, f.cy) ? 1 : 0;
    reach = Math.max(reach, f.cx - f.x0, f.x1 - f.cx, f.cy - f.y0, f.y1 - f.cy);
  }
  return { ...s, fibreKept, reach: Math.ceil(reach) + 1 };
}

type Outline = { x0: number; y0: number; x1: number; y1: number; round: boolean };

function inRect(s: Outline, x: number, y: number): boolean {
  if (s.round) return outlineDepth(s, x, y) > 0;
  return x >= s.x0 && x < s.x1 && y >= s.y0 && y < s.y1;
}

/**
 * Round outline: a lower bound on the distance (px) inside the ellipse (negative outside). The
 * ellipse scaled by ρ lies at least (1 − ρ)·min(a, b) inside the original (its support function
 * is ≥ the minor semi-axis), so the fast paths of inSection stay exact.
 */
function outlineDepth(s: Outline, x: number, y: number): number {
  const a = (s.x1 - s.x0) / 2;
  const b = (s.y1 - s.y0) / 2;
  const rho = Math.hypot((x - (s.x0 + a)) / a, (y - (s.y0 + b)) / b);
  return (1 - rho) * Math.min(a, b);
}

/** Is pixel position (x, y) tissue? `fibreId` when the caller knows it (−1 outside fibres). */
export function inSection(section: Section | null, tissue: MuscleTissue, x: number, y: number, fibreId?: number): boolean {
  if (!section) return true;
  const { x0, y0, x1, y1, reach } = section;
  if (section.round) {
    const d = outlineDepth(section, x, y);
    if (d >= reach) return true;
    if (d <= -reach) return false;
    const id = fibreId ?? fibreAt(tissue, x, y).id;
    if (id >= 0) return section.fibreKept[id] === 1;
    const v = vesselAt(tissue, x, y);
    if (v >= 0) return inRect(section, tissue.vessels[v].x, tissue.vessels[v].y);
    return d > 0;
  }
  const inside = x >= x0 && x < x1 && y >= y0 && y < y1;
  if (inside && x >= x0 + reach && x < x1 - reach && y >= y0 + reach && y < y1 - reach) return true;
  if (!inside && (x < x0 - reach || x >= x1 + reach || y < y0 - reach || y >= y1 + reach)) return false;
  const id = fibreId ?? fibreAt(tissue, x, y).id;
  if (id >= 0) return section.fibreKept[id] === 1;
  const v = vesselAt(tissue, x, y);
  if (v >= 0) {
    const c = tissue.vessels[v];
    return c.x >= x0 && c.x < x1 && c.y >= y0 && c.y < y1;
  }
  return inside;
}
