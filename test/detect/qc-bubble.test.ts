import { describe, expect, it } from 'vitest';
import { qcTile } from '../../src/detect/qc/index.js';
import { resolveParams } from '../../src/domain/params.js';
import { rgbRaster } from '../../src/image/raster.js';
import { DAB_DEFAULT, HEMATOXYLIN_DEFAULT, stainMatrix } from '../../src/stain/vectors.js';

const qc = resolveParams({}).qc;
const stain = stainMatrix(HEMATOXYLIN_DEFAULT, DAB_DEFAULT);
const I0 = 240;
const W = 256, H = 256, MPP = 0.5;

/** hematoxylin tissue with per-pixel texture (a fixed LCG), and a bubble of radius r px centred at (cx, cy): flat grey interior (summed OD 0.12, as a film over glass), dark grey rim 4 px */
function slide(cx: number, cy: number, r: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(W * H * 3);
  let s = 12345;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const d = Math.hypot(x - cx, y - cy);
      const p = 3 * (y * W + x);
      for (let c = 0; c < 3; c++) {
        const od = d <= r - 4 ? 0.04 : d <= r ? 0.4 : HEMATOXYLIN_DEFAULT[c] * (0.1 + 0.5 * rnd());
        data[p + c] = Math.round(I0 * 10 ** -od);
      }
    }
  }
  return data;
}

function bubbleShare(cx: number, cy: number, r: number): number {
  const t = qcTile({ rgb: rgbRaster(W, H, slide(cx, cy, r)), mpp: MPP, i0: I0, stain, muscle: false }, qc);
  let hit = 0, inside = 0;
  for (let by = 0; by < t.stats.rows; by++) {
    for (let bx = 0; bx < t.stats.cols; bx++) {
      const x = (bx + 0.5) * t.blockPx, y = (by + 0.5) * t.blockPx;
      if (Math.hypot(x - cx, y - cy) > r - t.blockPx) continue;
      inside++;
      if (t.masks.bubble[by * t.stats.cols + bx]) hit++;
    }
  }
  expect(inside).toBeGreaterThan(10);
  return hit / inside;
}

/**
 * A pale, flat whole field (hematoxylin OD 0.05–0.07, flatter than bubbleFlatSd) strewn with dark
 * neutral ring-shaped nuclei (summed OD 0.9, 2 px thick, radius 5 px, pale centre) every 32 px (none cut by the tile edge), as
 * an unstained section's nuclei read under stain drift, with or without a bubble cut by the left edge.
 */
function paleField(bubble: boolean): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(W * H * 3);
  let s = 777;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const dn = Math.hypot((x % 32) - 16, (y % 32) - 16);
      const db = bubble ? Math.hypot(x - 20, y - 128) : Infinity;
      const p = 3 * (y * W + x);
      for (let c = 0; c < 3; c++) {
        const od = db <= 56 ? 0.04 : db <= 60 ? 0.4 : dn >= 4 && dn <= 6 ? 0.3 : HEMATOXYLIN_DEFAULT[c] * (0.05 + 0.02 * rnd());
        data[p + c] = Math.round(I0 * 10 ** -od);
      }
    }
  }
  return data;
}

describe('bubble detection', () => {
  it('does not call a pale whole field a bubble because its nuclei read as dark neutral rims (lab-realism seed 5042 lost its whole field so)', () => {
    const t = qcTile({ rgb: rgbRaster(W, H, paleField(false)), mpp: MPP, i0: I0, stain, muscle: false }, qc);
    expect(t.masks.bubble.reduce((a, b) => a + b, 0)).toBe(0);
    // the same field with a bubble the tile's edge cuts: the bubble alone is flagged
    const b = qcTile({ rgb: rgbRaster(W, H, paleField(true)), mpp: MPP, i0: I0, stain, muscle: false }, qc);
    let inBubble = 0, outside = 0;
    for (let by = 0; by < b.stats.rows; by++) {
      for (let bx = 0; bx < b.stats.cols; bx++) {
        if (!b.masks.bubble[by * b.stats.cols + bx]) continue;
        const d = Math.hypot((bx + 0.5) * b.blockPx - 20, (by + 0.5) * b.blockPx - 128);
        if (d <= 60 + b.blockPx) inBubble++;
        else outside++;
      }
    }
    expect(inBubble).toBeGreaterThan(30);
    expect(outside).toBe(0);
  });

  it('finds a bubble wholly inside the tile', () => {
    expect(bubbleShare(128, 128, 60)).toBe(1);
  });

  it('finds a bubble the tile edge cuts (the rim bounds more of it than the edge)', () => {
    expect(bubbleShare(20, 128, 60)).toBe(1);
    expect(bubbleShare(10, 10, 90)).toBe(1);
  });

  it('flags nothing on textured tissue without a rim', () => {
    const t = qcTile({ rgb: rgbRaster(W, H, slide(-1000, -1000, 1)), mpp: MPP, i0: I0, stain, muscle: false }, qc);
    expect(t.masks.bubble.reduce((a, b) => a + b, 0)).toBe(0);
  });
});
