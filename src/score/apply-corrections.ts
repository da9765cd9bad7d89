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
  for (const a of added) placeAdded(out, a, slideMpp);
  return out;
}

function placeAdded(tiles: TileResult[], a: Extract<CorrectionEffect, { kind: 'add' }>, slideMpp: number): void {
  const x = a.x * slideMpp;
  const y = a.y * slideMpp;
  let best: { tile: TileResult; cell: Detection } | undefined;
  let bestD = Infinity;
  for (const tile of tiles) {
    for (const c of tile.detections) {
      const d = (c.x - x) ** 2 + (c.y - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = { tile, cell: c };
      }
    }
  }
  const cell: Detection = { x, y, grade: a.grade, nucleusAreaUm2: 0, cellAreaUm2: 0, hematoxylinOd: 0, dabNucleus: 0, dabCytoplasm: 0, dabCell: 0 };
  const location = a.location ?? best?.cell.location;
  if (location) cell.location = location;
  if (location || a.inFibre !== undefined) cell.inFibre = a.inFibre ?? false;
  (best?.tile ?? tiles[0]).detections.push(cell);
}
