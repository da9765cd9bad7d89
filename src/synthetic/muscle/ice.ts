/**
 * Freezing artefact of a frozen muscle section: in a few regions, the fibres are riddled with
 * small round holes (ice crystals, 2–8 µm across) where the tissue is missing. Holes lie wholly
 * inside a section fibre and clear of every planted cell, so they remove only sarcoplasm and
 * never a counted nucleus.
 */
import { BucketGrid } from '../cell-grid.js';
import type { IceHole, PlantedRealism } from '../realism/geometry.js';
import type { Rng } from '../rng.js';
import type { MuscleCell } from './cells.js';
import { depthIn } from './polygon.js';
import type { Section } from './section.js';
import type { MuscleTissue } from './tissue.js';

export function plantIce(regions: number, rng: Rng, tissue: MuscleTissue, section: Section | null, cells: readonly MuscleCell[], mpp: number, width: number, height: number): IceHole[] {
  const um = (v: number): number => v / mpp;
  const fibres = tissue.fibres.filter((f) => !section || section.fibreKept[f.id] === 1);
  const holes: IceHole[] = [];
  if (fibres.length === 0) return holes;
  const cellGrid = new BucketGrid(width, height, Math.ceil(um(20)));
  let cellReach = 0;
  for (const c of cells) {
    cellGrid.add(c.id, c.x, c.y);
    cellReach = Math.max(cellReach, c.rc, c.rx, c.ry);
  }
  const holeGrid = new BucketGrid(width, height, Math.ceil(um(10)));
  const near: number[] = [];
  const gap = um(0.5);
  for (let k = 0; k < regions; k++) {
    const centre = fibres[rng.int(fibres.length)];
    const radius = Math.min(um(rng.uniform(80, 200)), 0.3 * Math.min(width, height));
    const coverage = rng.uniform(0.08, 0.2);
    for (const f of fibres) {
      if (Math.hypot(f.cx - centre.cx, f.cy - centre.cy) > radius) continue;
      let covered = 0;
      const target = coverage * f.areaPx;
      for (let tries = 0; covered < target && tries < 400; tries++) {
        const r = um(rng.uniform(1, 4));
        const x = rng.uniform(f.x0, f.x1);
        const y = rng.uniform(f.y0, f.y1);
        if (depthIn(f.edges, x, y) < r + gap) continue;
        const clearOfCells = cellGrid.near(x, y, cellReach + r + gap, near).every((id) => {
          const c = cells[id];
          return Math.hypot(c.x - x, c.y - y) > Math.max(c.rc, c.rx, c.ry) + r + gap;
        });
        if (!clearOfCells) continue;
        const clearOfHoles = holeGrid.near(x, y, um(8) + gap, near).every((id) => Math.hypot(holes[id].cx - x, holes[id].cy - y) > holes[id].r + r + gap);
        if (!clearOfHoles) continue;
        holeGrid.add(holes.length, x, y);
        holes.push({ cx: x, cy: y, r });
        covered += Math.PI * r * r;
      }
    }
  }
  return holes;
}

/** Files the holes in a spatial index so a region visits only those that reach it. */
export function withIce(r: PlantedRealism, holes: IceHole[], width: number, height: number): PlantedRealism {
  if (holes.length === 0) return r;
  const iceMaxR = holes.reduce((m, h) => Math.max(m, h.r), 0);
  const grid = new BucketGrid(width, height, Math.max(8, Math.ceil(4 * iceMaxR)));
  holes.forEach((h, i) => grid.add(i, h.cx, h.cy));
  return { ...r, ice: holes, iceGrid: grid.freeze(), iceMaxR };
}
