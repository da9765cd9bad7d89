import type { Rect, TileSpec } from '../domain/detection.js';

export interface GridMask {
  width: number;
  height: number;
  /** nonzero = tissue */
  data: Uint8Array;
  /** analysis-level pixels per mask pixel */
  scale: number;
}

export interface TileGridOptions {
  /** analysis level size in pixels */
  width: number;
  height: number;
  /** core size (grid step) */
  tileSize: number;
  /** pixels added on each side of the core for reading, so cells at a seam are seen whole */
  overlap: number;
  /** keep only tiles whose core touches tissue */
  mask?: GridMask;
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`tileGrid: ${name} must be a positive integer, got ${v}`);
}

/** Does the core, mapped to mask pixels, contain any tissue? Partial mask pixels count. */
function coreTouchesTissue(core: Rect, mask: GridMask): boolean {
  const mx0 = Math.max(0, Math.floor(core.x0 / mask.scale));
  const my0 = Math.max(0, Math.floor(core.y0 / mask.scale));
  const mx1 = Math.min(mask.width, Math.ceil(core.x1 / mask.scale));
  const my1 = Math.min(mask.height, Math.ceil(core.y1 / mask.scale));
  for (let y = my0; y < my1; y++) {
    const row = y * mask.width;
    for (let x = mx0; x < mx1; x++) if (mask.data[row + x]) return true;
  }
  return false;
}

/**
 * The tiles of a level. Cores partition the level exactly (the last row and column may be
 * narrower); `read` is the core grown by `overlap`, clipped to the level. Ids are row-major over
 * the full grid, so a tile keeps its id whether or not its neighbours are kept.
 */
export function tileGrid(opts: TileGridOptions): TileSpec[] {
  const { width, height, tileSize, overlap, mask } = opts;
  positiveInt('width', width);
  positiveInt('height', height);
  positiveInt('tileSize', tileSize);
  if (!Number.isInteger(overlap) || overlap < 0) throw new RangeError(`tileGrid: overlap must be a non-negative integer, got ${overlap}`);
  if (mask) {
    if (!(mask.scale > 0) || mask.data.length !== mask.width * mask.height) {
      throw new RangeError(`tileGrid: mask ${mask.width}×${mask.height} with ${mask.data.length} values and scale ${mask.scale} is inconsistent`);
    }
  }
  const across = Math.ceil(width / tileSize);
  const down = Math.ceil(height / tileSize);
  const tiles: TileSpec[] = [];
  for (let row = 0; row < down; row++) {
    for (let col = 0; col < across; col++) {
      const core: Rect = {
        x0: col * tileSize,
        y0: row * tileSize,
        x1: Math.min(width, (col + 1) * tileSize),
        y1: Math.min(height, (row + 1) * tileSize),
      };
      if (mask && !coreTouchesTissue(core, mask)) continue;
      const read: Rect = {
        x0: Math.max(0, core.x0 - overlap),
        y0: Math.max(0, core.y0 - overlap),
        x1: Math.min(width, core.x1 + overlap),
        y1: Math.min(height, core.y1 + overlap),
      };
      tiles.push({ id: row * across + col, read, core });
    }
  }
  return tiles;
}

/** Half-open ownership test: a detection belongs to the tile whose core holds its centroid. */
export function ownsPoint(core: Rect, x: number, y: number): boolean {
  return x >= core.x0 && x < core.x1 && y >= core.y0 && y < core.y1;
}
