import { decodeBlockMask, type TileQc } from '../domain/qc.js';

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
