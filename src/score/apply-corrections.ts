import type { CorrectionEffect } from '../domain/corrections.js';
import { parseTarget } from '../domain/corrections.js';
import type { Detection, FibreRecord, TileResult } from '../domain/detection.js';
import { AnalysisError } from '../errors/index.js';

/** A fibre with a pathologist's MHC-I call, which then decides instead of the thresholds (mhc1.ts). */
export type CorrectedFibre = FibreRecord & { mhc1Positive?: boolean };

/**
 * The tiles as the pathologist corrected them (src/domain/corrections.ts), without touching the
 * stored ones: reclassified cells get their new grade, deleted ones are dropped, a fibre gets its
 * MHC-I call, and added cells join the tile of the nearest stored cell (the first tile when there
 * is none). An added cell is placed at its level-0 px × `slideMpp` µm, carries no measurements
 * (0 OD, 0 µm²: no scorer reads them), and, on a muscle analysis, the location it was given or
 * else that of the nearest stored cell, and inFibre as given (false when not).
 */
export function applyCorrections(tiles: readonly TileResult[], effects: ReadonlyMap<string, CorrectionEffect>, slideMpp: number): TileResult[] {
  if (effects.size === 0) return [...tiles];
  const byTile = new Map<number, Map<string, CorrectionEffect>>();
  const added: Extract<CorrectionEffect, { kind: 'add' }>[] = [];
  for (const [target, effect] of effects) {
    const t = parseTarget(target);
    if (!t) throw new AnalysisError(`correction target "${target}" names no cell or fibre`);
    if (t.kind === 'added') {
      if (effect.kind === 'add') added.push(effect);
      continue;
    }
    let m = byTile.get(t.tileId);
    if (!m) byTile.set(t.tileId, (m = new Map()));
    m.set(`${t.kind}:${t.index}`, effect);
  }
  const out = tiles.map((tile) => {
    const m = byTile.get(tile.tileId);
    if (!m) return { ...tile, detections: [...tile.detections] };
    const detections: Detection[] = [];
    tile.detections.forEach((d, i) => {
      const e = m.get(`cell:${i}`);
      if (e?.kind === 'delete') return;
      detections.push(e?.kind === 'reclassify' ? { ...d, grade: e.grade } : d);
    });
    const corrected: TileResult = { ...tile, detections };
    if (tile.fibres) {
      corrected.fibres = tile.fibres.map((f, i): CorrectedFibre => {
        const e = m.get(`fibre:${i}`);
        return e?.kind === 'fibre' ? { ...f, mhc1Positive: e.mhc1Positive } : f;
      });
    }
    return corrected;
  });
  if (added.length > 0 && out.length === 0) throw new AnalysisError('cannot add cells to an analysis without tiles');
  if (added.length > 0) {
    const near = nearestCells(out);
    for (const a of added) placeAdded(out, near, a, slideMpp);
  }
  return out;
}

type Nearest = (x: number, y: number) => { tile: TileResult; cell: Detection } | undefined;

/** Side of the buckets the nearest-cell search files cells in, µm: a few cells' spacing in infiltrates. */
const BUCKET_UM = 100;

/**
 * The nearest stored cell to a point, by buckets searched in growing rings, so adding cells costs
 * one pass over the slide's cells instead of one per added cell.
 */
function nearestCells(tiles: readonly TileResult[]): Nearest {
  const buckets = new Map<string, { tile: TileResult; cell: Detection }[]>();
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const tile of tiles) {
    for (const cell of tile.detections) {
      const key = `${Math.floor(cell.x / BUCKET_UM)},${Math.floor(cell.y / BUCKET_UM)}`;
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = []));
      b.push({ tile, cell });
      minX = Math.min(minX, cell.x); minY = Math.min(minY, cell.y); maxX = Math.max(maxX, cell.x); maxY = Math.max(maxY, cell.y);
    }
  }
  return (x, y) => {
    if (buckets.size === 0) return undefined;
    const bx = Math.floor(x / BUCKET_UM), by = Math.floor(y / BUCKET_UM);
    // no cell lies further than the farthest corner of their bounding box
    const far = Math.hypot(Math.max(Math.abs(x - minX), Math.abs(x - maxX)), Math.max(Math.abs(y - minY), Math.abs(y - maxY)));
    const maxRing = Math.ceil(far / BUCKET_UM) + 1;
    let best: { tile: TileResult; cell: Detection } | undefined;
    let bestD = Infinity;
    for (let r = 0; r <= maxRing; r++) {
      // every cell of ring r is at least (r - 1) buckets away
      if (best && (r - 1) * BUCKET_UM > Math.sqrt(bestD)) break;
      for (let i = bx - r; i <= bx + r; i++) {
        for (let j = by - r; j <= by + r; j++) {
          if (Math.max(Math.abs(i - bx), Math.abs(j - by)) !== r) continue;
          for (const c of buckets.get(`${i},${j}`) ?? []) {
            const d = (c.cell.x - x) ** 2 + (c.cell.y - y) ** 2;
            if (d < bestD) {
              bestD = d;
              best = c;
            }
          }
        }
      }
    }
    return best;
  };
}

function placeAdded(tiles: TileResult[], nearest: Nearest, a: Extract<CorrectionEffect, { kind: 'add' }>, slideMpp: number): void {
  const x = a.x * slideMpp;
  const y = a.y * slideMpp;
  const best = nearest(x, y);
  const cell: Detection = { x, y, grade: a.grade, nucleusAreaUm2: 0, cellAreaUm2: 0, hematoxylinOd: 0, dabNucleus: 0, dabCytoplasm: 0, dabCell: 0 };
  const location = a.location ?? best?.cell.location;
  if (location) cell.location = location;
  if (location || a.inFibre !== undefined) cell.inFibre = a.inFibre ?? false;
  (best?.tile ?? tiles[0]).detections.push(cell);
}
