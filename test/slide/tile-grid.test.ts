import { describe, expect, it } from 'vitest';
import { ownsPoint, tileGrid } from '../../src/slide/tile-grid.js';

describe('tileGrid', () => {
  it('cores partition the level exactly, with a partial last row and column', () => {
    const width = 1000;
    const height = 700;
    const tiles = tileGrid({ width, height, tileSize: 256, overlap: 20 });
    expect(tiles).toHaveLength(4 * 3);
    const cover = new Uint8Array(width * height);
    for (const t of tiles) for (let y = t.core.y0; y < t.core.y1; y++) for (let x = t.core.x0; x < t.core.x1; x++) cover[y * width + x]++;
    expect(cover.every((c) => c === 1)).toBe(true);
    const last = tiles[tiles.length - 1];
    expect(last.id).toBe(11);
    expect(last.core).toEqual({ x0: 768, y0: 512, x1: 1000, y1: 700 });
    expect(last.read).toEqual({ x0: 748, y0: 492, x1: 1000, y1: 700 });
  });

  it('grows read rectangles by the overlap and clips them to the level', () => {
    const tiles = tileGrid({ width: 1000, height: 700, tileSize: 256, overlap: 20 });
    expect(tiles[0].read).toEqual({ x0: 0, y0: 0, x1: 276, y1: 276 });
    const middle = tiles.find((t) => t.id === 5)!; // row 1, col 1
    expect(middle.core).toEqual({ x0: 256, y0: 256, x1: 512, y1: 512 });
    expect(middle.read).toEqual({ x0: 236, y0: 236, x1: 532, y1: 532 });
  });

  it('handles a 1-px-wide sliver column and row', () => {
    const tiles = tileGrid({ width: 513, height: 257, tileSize: 256, overlap: 8 });
    expect(tiles).toHaveLength(3 * 2);
    const sliver = tiles.find((t) => t.id === 2)!;
    expect(sliver.core).toEqual({ x0: 512, y0: 0, x1: 513, y1: 256 });
    expect(sliver.read).toEqual({ x0: 504, y0: 0, x1: 513, y1: 257 }); // 256 + 8 clipped to the 257-px level
    const corner = tiles.find((t) => t.id === 5)!;
    expect(corner.core).toEqual({ x0: 512, y0: 256, x1: 513, y1: 257 });
  });

  it('keeps only tiles whose core touches tissue, with ids stable over the full grid', () => {
    // mask at 1/100 scale over a 1000×700 level; tissue in one mask pixel at (3, 2) = level [300,400)×[200,300)
    const mask = { width: 10, height: 7, data: new Uint8Array(70), scale: 100 };
    mask.data[2 * 10 + 3] = 1;
    const tiles = tileGrid({ width: 1000, height: 700, tileSize: 256, overlap: 20, mask });
    // [300,400) spans columns 1 (256–512); [200,300) spans rows 0 and 1
    expect(tiles.map((t) => t.id)).toEqual([1, 5]);
    const full = tileGrid({ width: 1000, height: 700, tileSize: 256, overlap: 20 });
    for (const t of tiles) expect(full.find((f) => f.id === t.id)).toEqual(t);
  });

  it('counts a mask pixel that only partly overlaps a core', () => {
    // mask pixel 2 covers level x [200, 300); tile 1's core starts at 256
    const mask = { width: 10, height: 1, data: new Uint8Array(10), scale: 100 };
    mask.data[2] = 1;
    const tiles = tileGrid({ width: 1000, height: 100, tileSize: 256, overlap: 0, mask });
    expect(tiles.map((t) => t.id)).toEqual([0, 1]);
  });

  it('keeps nothing on an empty mask and rejects bad sizes', () => {
    const mask = { width: 4, height: 4, data: new Uint8Array(16), scale: 64 };
    expect(tileGrid({ width: 256, height: 256, tileSize: 128, overlap: 4, mask })).toEqual([]);
    expect(() => tileGrid({ width: 0, height: 10, tileSize: 128, overlap: 0 })).toThrow(/width/);
    expect(() => tileGrid({ width: 10, height: 10, tileSize: 12.5, overlap: 0 })).toThrow(/tileSize/);
    expect(() => tileGrid({ width: 10, height: 10, tileSize: 8, overlap: -1 })).toThrow(/overlap/);
    expect(() => tileGrid({ width: 10, height: 10, tileSize: 8, overlap: 0, mask: { ...mask, scale: 0 } })).toThrow(/mask/);
  });
});

describe('ownsPoint', () => {
  it('is half-open, so a point on a seam belongs to exactly one tile', () => {
    const tiles = tileGrid({ width: 1000, height: 700, tileSize: 256, overlap: 20 });
    for (const [x, y] of [[256, 256], [255.999, 256], [0, 0], [999.5, 699.5], [512, 100]] as const) {
      expect(tiles.filter((t) => ownsPoint(t.core, x, y))).toHaveLength(1);
    }
    const core = { x0: 256, y0: 0, x1: 512, y1: 256 };
    expect(ownsPoint(core, 256, 0)).toBe(true);
    expect(ownsPoint(core, 512, 0)).toBe(false);
    expect(ownsPoint(core, 300, 256)).toBe(false);
    expect(ownsPoint(core, 255.9, 10)).toBe(false);
  });
});
