/**
 * Pen marks: marker inks are dyes, not the two stains, so their OD vector leaves the H-DAB plane
 * (the residual of colour deconvolution); stained tissue, whatever its mixture, stays in it — as
 * long as the slide's stain vectors are right. Where they are not, dark nuclei leave the plane too,
 * one or a few blocks each, while a stroke covers a field of blocks: groups smaller than
 * penMinUm2 are not pen.
 */
import type { QcParams } from '../../domain/params.js';
import { dropSmallGroups, type BlockGrid } from './blocks.js';
import type { QcPlanes } from './planes.js';

export function penMask(pl: QcPlanes, g: BlockGrid, mpp: number, p: QcParams): Uint8Array {
  const out = new Uint8Array(g.cols * g.rows);
  const w = pl.width;
  const { inkBin, inkCols } = pl;
  for (let by = 0, b = 0; by < g.rows; by++) {
    for (let bx = 0; bx < g.cols; bx++, b++) {
      const x0 = bx * g.blockPx, y0 = by * g.blockPx;
      const x1 = Math.min(x0 + g.blockPx, g.width), y1 = Math.min(y0 + g.blockPx, g.height);
      let ink = 0;
      for (let y = y0; y < y1; y++) {
        const row = ((y / inkBin) | 0) * inkCols;
        for (let x = x0, q = y * w + x0; x < x1; x++, q++) if (pl.od[q] >= p.penMinOd && pl.inkOffPlane[row + ((x / inkBin) | 0)] >= p.penOffPlane) ink++;
      }
      if (ink >= p.penBlockFraction * (x1 - x0) * (y1 - y0)) out[b] = 1;
    }
  }
  const blockUm = g.blockPx * mpp;
  return dropSmallGroups(out, g.cols, g.rows, Math.ceil(p.penMinUm2 / (blockUm * blockUm)));
}
