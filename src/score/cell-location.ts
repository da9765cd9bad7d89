import { CELL_LOCATIONS, CellLocation } from '../domain/cell-location.js';
import { AnalysisError } from '../errors/index.js';
import { LocationParams } from '../domain/params.js';

// defined in domain, where the score fields are named per location
export { CELL_LOCATIONS, CellLocation };

/** A location classifier on level-0 µm coordinates. */
export type Locate = (xUm: number, yUm: number) => CellLocation;

export type { Vessel } from '../detect/vessels.js';
import type { Vessel } from '../detect/vessels.js';

/** Default reach of a perivascular cuff, µm: AnalysisParams.location.perivascularUm (params.ts: why). */
export const PERIVASCULAR_UM = LocationParams.parse({}).perivascularUm;

/** Masks on one pixel grid: pixel (i, j) covers µm [originX + i·mpp, originX + (i+1)·mpp) × (same in y). */
export interface LocationMasks {
  width: number;
  height: number;
  /** µm per mask pixel */
  mpp: number;
  /** level-0 µm of the mask's top-left corner; (0, 0) when omitted */
  originX?: number;
  originY?: number;
  /** nonzero = perimysium (connective septum between fascicles) */
  perimysium: Uint8Array;
  /** nonzero = inside a muscle fibre (e.g. fibre labels > 0); optional, for `outsideFibres` */
  fibre?: Uint8Array | Int32Array;
  vessels: readonly Vessel[];
  /** distance from a vessel's outer wall that still counts as perivascular, µm */
  perivascularUm?: number;
}

function checkMasks(m: LocationMasks): void {
  if (!(Number.isInteger(m.width) && m.width > 0 && Number.isInteger(m.height) && m.height > 0)) {
    throw new AnalysisError(`location masks: size must be positive integers, got ${m.width}×${m.height}`);
  }
  if (!(m.mpp > 0 && Number.isFinite(m.mpp))) throw new AnalysisError(`location masks: pixel size must be a positive number of µm/px, got ${m.mpp}`);
  const n = m.width * m.height;
  if (m.perimysium.length !== n) throw new AnalysisError(`location masks: perimysium mask has ${m.perimysium.length} pixels, ${m.width}×${m.height} needs ${n}`);
  if (m.fibre && m.fibre.length !== n) throw new AnalysisError(`location masks: fibre mask has ${m.fibre.length} pixels, ${m.width}×${m.height} needs ${n}`);
  for (const v of m.vessels) {
    if (!(Number.isFinite(v.x) && Number.isFinite(v.y) && v.radiusUm >= 0)) {
      throw new AnalysisError(`location masks: bad vessel at (${v.x}, ${v.y}) µm with radius ${v.radiusUm}`);
    }
  }
}

function pixelIndex(m: LocationMasks, x: number, y: number): number {
  const i = Math.floor((x - (m.originX ?? 0)) / m.mpp);
  const j = Math.floor((y - (m.originY ?? 0)) / m.mpp);
  if (!(i >= 0 && i < m.width && j >= 0 && j < m.height)) {
    throw new AnalysisError(`cell at (${x}, ${y}) µm lies outside the location masks (${m.width}×${m.height} px at ${m.mpp} µm/px)`);
  }
  return j * m.width + i;
}

/**
 * The default classifier from masks: perivascular first (vessels sit in the perimysium, and a
 * cuff reaching into a fascicle is still a cuff), then perimysial where the septum mask is set,
 * else endomysial.
 */
export function maskLocator(m: LocationMasks): Locate {
  checkMasks(m);
  const reach = m.perivascularUm ?? PERIVASCULAR_UM;
  if (!(reach >= 0)) throw new AnalysisError(`location masks: perivascular distance must be ≥ 0 µm, got ${reach}`);
  const vx = Float64Array.from(m.vessels, (v) => v.x);
  const vy = Float64Array.from(m.vessels, (v) => v.y);
  const vr2 = Float64Array.from(m.vessels, (v) => (v.radiusUm + reach) ** 2);
  return (x, y) => {
    const p = pixelIndex(m, x, y);
    for (let k = 0; k < vx.length; k++) {
      const dx = x - vx[k];
      const dy = y - vy[k];
      if (dx * dx + dy * dy <= vr2[k]) return 'perivascular';
    }
    return m.perimysium[p] !== 0 ? 'perimysial' : 'endomysial';
  };
}

/** The cells whose centroid is not inside a fibre (infiltrates are counted outside fibres, SCIENCE.md). */
export function outsideFibres<T extends { x: number; y: number }>(cells: readonly T[], m: LocationMasks): T[] {
  checkMasks(m);
  const fibre = m.fibre;
  if (!fibre) throw new AnalysisError('location masks: no fibre mask given, so cells inside fibres cannot be excluded');
  return cells.filter((c) => fibre[pixelIndex(m, c.x, c.y)] === 0);
}
