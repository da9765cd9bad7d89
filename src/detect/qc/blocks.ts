/**
 * The QC block grid of a tile and what each block records. Blocks are blockPx square from the
 * tile's origin; the last row/column may be partial. Statistics that need the whole slide
 * (focus, folds) are returned per block and decided in qcSlide; the rest are decided per tile.
 */
import { kthSmallest } from '../../image/kth-smallest.js';
import type { QcPlanes } from './planes.js';

export interface BlockGrid {
  /** blocks across and down */
  cols: number;
  rows: number;
  blockPx: number;
  width: number;
  height: number;
}

export function blockGrid(width: number, height: number, blockPx: number): BlockGrid {
  return { cols: Math.ceil(width / blockPx), rows: Math.ceil(height / blockPx), blockPx, width, height };
}

/** Per-block statistics a tile returns for the slide-level decisions. */
export interface QcBlockStats {
  cols: number;
  rows: number;
  /** share of the block's pixels whose smoothed OD reaches tissueOd */
  tissue: Float32Array;
  /** summed fine / coarse gradient energy per pixel */
  fine: Float32Array;
  coarse: Float32Array;
  /** focusPlane 'both': the same on the hematoxylin plane */
  hFine?: Float32Array;
  hCoarse?: Float32Array;
  /** the block's OD floor (foldPercentile of its smoothed OD); the floors are all 0 when folds are not looked for */
  floor: Float32Array;
  /** the block's hematoxylin floor (the same percentile of its hematoxylin concentration) */
  hFloor: Float32Array;
  /** the block's DAB floor (the same percentile of its DAB concentration) */
  dFloor: Float32Array;
  /** standard deviation of the smoothed OD */
  sd: Float32Array;
}

/** floorPercentile null: no floors (only folds read them, and three selections per block are a fifth of QC). */
export function blockStats(pl: QcPlanes, g: BlockGrid, tissueOd: number, floorPercentile: number | null): QcBlockStats {
  const nb = g.cols * g.rows;
  const st: QcBlockStats = { cols: g.cols, rows: g.rows, tissue: new Float32Array(nb), fine: new Float32Array(nb), coarse: new Float32Array(nb), floor: new Float32Array(nb), hFloor: new Float32Array(nb), dFloor: new Float32Array(nb), sd: new Float32Array(nb) };
  if (pl.hFine2 && pl.hCoarse2) {
    st.hFine = blockMeans(pl.hFine2, g, pl.width);
    st.hCoarse = blockMeans(pl.hCoarse2, g, pl.width);
  }
  const vals = new Float32Array(g.blockPx * g.blockPx);
  const hv = new Float32Array(g.blockPx * g.blockPx);
  const dv = new Float32Array(g.blockPx * g.blockPx);
  const w = pl.width;
  const { smooth, fine2, coarse2, hema, dab } = pl;
  for (let by = 0, b = 0; by < g.rows; by++) {
    for (let bx = 0; bx < g.cols; bx++, b++) {
      const x0 = bx * g.blockPx, y0 = by * g.blockPx;
      const x1 = Math.min(x0 + g.blockPx, g.width), y1 = Math.min(y0 + g.blockPx, g.height);
      let k = 0, tis = 0, f = 0, c = 0, s = 0, s2 = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0, p = y * w + x0; x < x1; x++, p++) {
          const v = smooth[p];
          k++;
          if (v >= tissueOd) tis++;
          f += fine2[p];
          c += coarse2[p];
          s += v;
          s2 += v * v;
        }
      }
      const mean = s / k;
      st.tissue[b] = tis / k;
      st.fine[b] = f / k;
      st.coarse[b] = c / k;
      st.sd[b] = Math.sqrt(Math.max(0, s2 / k - mean * mean));
      if (floorPercentile === null) continue;
      // the floors' selections reorder their buffers: copied only when folds are looked for
      k = 0;
      for (let y = y0; y < y1; y++) {
        for (let p = y * w + x0, e = y * w + x1; p < e; p++, k++) {
          vals[k] = smooth[p];
          hv[k] = hema[p];
          dv[k] = dab[p];
        }
      }
      const at = Math.min(k - 1, Math.floor(floorPercentile * k));
      st.floor[b] = kthSmallest(vals.subarray(0, k), at);
      st.hFloor[b] = kthSmallest(hv.subarray(0, k), at);
      st.dFloor[b] = kthSmallest(dv.subarray(0, k), at);
    }
  }
  return st;
}


/** Mean of a plane over each block of the grid. */
function blockMeans(plane: Float32Array, g: BlockGrid, w: number): Float32Array {
  const out = new Float32Array(g.cols * g.rows);
  for (let by = 0, b = 0; by < g.rows; by++) {
    for (let bx = 0; bx < g.cols; bx++, b++) {
      const x0 = bx * g.blockPx, y0 = by * g.blockPx;
      const x1 = Math.min(x0 + g.blockPx, g.width), y1 = Math.min(y0 + g.blockPx, g.height);
      let s = 0;
      for (let y = y0; y < y1; y++) for (let p = y * w + x0; p < y * w + x1; p++) s += plane[p];
      out[b] = s / ((x1 - x0) * (y1 - y0));
    }
  }
  return out;
}

/** Grow a block mask by r blocks (square), in place via a copy. */
export function dilateBlocks(mask: Uint8Array, cols: number, rows: number, r: number): Uint8Array {
  if (r <= 0) return mask;
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      if (!mask[y * cols + x]) continue;
      for (let yy = Math.max(0, y - r); yy <= Math.min(rows - 1, y + r); yy++) for (let xx = Math.max(0, x - r); xx <= Math.min(cols - 1, x + r); xx++) out[yy * cols + xx] = 1;
    }
  }
  return out;
}

/** Calls visit once per 8-connected group of set blocks with the group's blocks (an array reused between calls) and its first block. */
export function forEachBlockGroup(mask: Uint8Array, cols: number, rows: number, visit: (group: readonly number[], first: number) => void): void {
  const seen = new Uint8Array(mask.length);
  const stack: number[] = [];
  const group: number[] = [];
  for (let s = 0; s < mask.length; s++) {
    if (!mask[s] || seen[s]) continue;
    group.length = 0;
    stack.push(s);
    seen[s] = 1;
    while (stack.length) {
      const b = stack.pop()!;
      group.push(b);
      const x = b % cols, y = (b - x) / cols;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx, yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= cols || yy >= rows) continue;
        const q = yy * cols + xx;
        if (mask[q] && !seen[q]) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    visit(group, s);
  }
}

/** Drop 8-connected groups of set blocks smaller than minBlocks. */
export function dropSmallGroups(mask: Uint8Array, cols: number, rows: number, minBlocks: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  forEachBlockGroup(mask, cols, rows, (group) => {
    if (group.length >= minBlocks) for (const b of group) out[b] = 1;
  });
  return out;
}
