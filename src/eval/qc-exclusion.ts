import { decodeBlockMask, type TileQc } from '../domain/qc.js';
import { depthIn, inwardEdges, type Point } from '../synthetic/muscle/polygon.js';

/**
 * Where quality control excluded tissue on an analysed slide, from its tiles' block masks
 * (TileQc, analysis-level px), asked in µm: what the truth of an evaluation is counted over.
 */
export class QcExclusion {
  private readonly tiles: { t: TileQc; any: Uint8Array }[];

  constructor(tiles: readonly TileQc[], private readonly mpp: number) {
    this.tiles = tiles.map((t) => {
      const n = t.cols * t.rows;
      const any = new Uint8Array(n);
      for (const code of Object.values(t.masks)) {
        const m = decodeBlockMask(code, n);
        for (let i = 0; i < n; i++) any[i] |= m[i];
      }
      return { t, any };
    });
  }

  /** The share of a convex polygon (µm) in excluded blocks, over the analysis pixels whose centres it holds (0 when it holds none). */
  excludedShareUm(polygon: readonly Point[]): number {
    const edges = inwardEdges(polygon);
    const xs = polygon.map((p) => p[0] / this.mpp);
    const ys = polygon.map((p) => p[1] / this.mpp);
    let inside = 0;
    let out = 0;
    for (let y = Math.floor(Math.min(...ys)); y <= Math.ceil(Math.max(...ys)); y++) {
      for (let x = Math.floor(Math.min(...xs)); x <= Math.ceil(Math.max(...xs)); x++) {
        const ux = (x + 0.5) * this.mpp;
        const uy = (y + 0.5) * this.mpp;
        if (depthIn(edges, ux, uy) < 0) continue;
        inside++;
        if (this.excludedUm(ux, uy)) out++;
      }
    }
    return inside ? out / inside : 0;
  }

  /** Whether the point (µm, level-0 slide space) lies in an excluded block of any tile. */
  excludedUm(xUm: number, yUm: number): boolean {
    const x = xUm / this.mpp;
    const y = yUm / this.mpp;
    // cores tile the level: the point's tile has the greatest origin at or before it on each axis
    // (a core's last block may reach past the core into the next tile's)
    let own: (typeof this.tiles)[number] | undefined;
    for (const e of this.tiles) {
      if (e.t.x0 > x || e.t.y0 > y) continue;
      if (!own || e.t.x0 > own.t.x0 || (e.t.x0 === own.t.x0 && e.t.y0 > own.t.y0)) own = e;
    }
    if (!own) return false;
    const { t, any } = own;
    const bx = Math.floor((x - t.x0) / t.blockPx);
    const by = Math.floor((y - t.y0) / t.blockPx);
    return bx < t.cols && by < t.rows && any[by * t.cols + bx] === 1;
  }
}
