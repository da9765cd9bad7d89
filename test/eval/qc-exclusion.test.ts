import { describe, expect, it } from 'vitest';
import { encodeBlockMask, type TileQc } from '../../src/domain/qc.js';
import { QcExclusion } from '../../src/eval/qc-exclusion.js';

const empty = '';
function tile(x0: number, y0: number, cols: number, rows: number, set: Partial<Record<'focus' | 'pen', number[]>>): TileQc {
  const mask = (blocks: number[] | undefined) => {
    const m = new Uint8Array(cols * rows);
    for (const b of blocks ?? []) m[b] = 1;
    return encodeBlockMask(m);
  };
  return {
    blockPx: 16,
    blockUm: 8,
    cols,
    rows,
    x0,
    y0,
    excludedTissuePixels: { focus: 0, fold: 0, ice: 0, pen: 0, bubble: 0, any: 0 },
    masks: { focus: mask(set.focus), fold: empty, ice: empty, pen: mask(set.pen), bubble: empty },
  };
}

describe('QcExclusion', () => {
  // two tiles side by side, cores 40 px wide (3 blocks, the last one cut at 40): blocks of 16 px = 8 µm at 0.5 µm/px
  const ex = new QcExclusion([tile(0, 0, 3, 2, { focus: [0], pen: [5] }), tile(40, 0, 3, 2, { pen: [0] })], 0.5);

  it('answers by the block under a point (µm) in the tile whose core holds it, any cause', () => {
    expect(ex.excludedUm(1, 1)).toBe(true); // tile 0 block 0 (focus)
    expect(ex.excludedUm(9, 1)).toBe(false); // tile 0 block 1
    expect(ex.excludedUm(17, 9)).toBe(true); // tile 0 block 5 (pen): x 34 px, y 18 px
    expect(ex.excludedUm(21, 1)).toBe(true); // x 42 px: tile 1 block 0 (pen)
  });

  it('a core’s last, cut block does not answer for the next tile’s core', () => {
    // x 44 px lies in tile 0's third block column (32–48 px) but in tile 1's core: tile 1 block 0 says
    expect(ex.excludedUm(22, 9)).toBe(false); // y 18 px: tile 1 block 3, not set
    expect(ex.excludedUm(17, 9)).toBe(true);
  });

  it('nothing is excluded outside every tile or without QC', () => {
    expect(ex.excludedUm(100, 100)).toBe(false);
    expect(new QcExclusion([], 0.5).excludedUm(1, 1)).toBe(false);
  });

  it('the share of a polygon in excluded blocks counts the analysis pixels whose centres it holds', () => {
    // row 0 of tile 0: block 0 (0–8 µm) focus, block 1 (8–16 µm) clean
    expect(ex.excludedShareUm([[0, 0], [16, 0], [16, 8], [0, 8]])).toBe(0.5);
    expect(ex.excludedShareUm([[0, 0], [8, 0], [8, 8], [0, 8]])).toBe(1);
    expect(ex.excludedShareUm([[8, 0], [16, 0], [16, 8], [8, 8]])).toBe(0);
    // a triangle over blocks 0 and 1: the half of block 0 under it against the quarter of block 1
    expect(ex.excludedShareUm([[0, 0], [16, 0], [0, 8]])).toBeCloseTo(0.75, 1);
  });
});
