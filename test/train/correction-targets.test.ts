import { describe, expect, it } from 'vitest';
import { correctedTarget, growOutline, labelComponents } from '../../src/train/correction-targets.js';

const SIZE = 96;
const MPP = 0.5;

/** A plane of stroma OD 0.05 with elliptical nuclei of OD `od` (semi-axes px, rotated by angle). */
function plane(nuclei: { x: number; y: number; rx: number; ry: number; angle?: number; od: number }[]): Float32Array {
  const h = new Float32Array(SIZE * SIZE).fill(0.05);
  for (const n of nuclei) {
    const c = Math.cos(n.angle ?? 0);
    const s = Math.sin(n.angle ?? 0);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const u = ((x - n.x) * c + (y - n.y) * s) / n.rx;
        const v = ((y - n.y) * c - (x - n.x) * s) / n.ry;
        if (u * u + v * v <= 1) h[y * SIZE + x] = n.od;
      }
    }
  }
  return h;
}

function disc(mask: Uint8Array, x: number, y: number, r: number): void {
  for (let yy = 0; yy < SIZE; yy++) for (let xx = 0; xx < SIZE; xx++) if ((xx - x) ** 2 + (yy - y) ** 2 <= r * r) mask[yy * SIZE + xx] = 1;
}

const count = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);

describe('outline of a clicked nucleus', () => {
  it('follows a pale elongated nucleus (14 × 5 px, OD 0.2 on 0.05) and stays on it (the 3×3 smoothing may add its rim pixel)', () => {
    const h = plane([{ x: 48, y: 48, rx: 14, ry: 5, angle: 0.6, od: 0.2 }]);
    const out = growOutline(h, SIZE, 50, 47, MPP);
    const area = Math.PI * 14 * 5;
    expect(count(out)).toBeGreaterThan(0.7 * area);
    expect(count(out)).toBeLessThan(1.2 * area);
    let on = 0;
    for (let q = 0; q < out.length; q++) if (out[q] && h[q] > 0.1) on++;
    expect(on).toBeGreaterThan(0.85 * count(out));
  });

  it('falls back to a 3 µm disc where nothing stands out of the background', () => {
    const out = growOutline(plane([]), SIZE, 40, 40, MPP);
    expect(count(out)).toBe(count((() => { const m = new Uint8Array(SIZE * SIZE); disc(m, 40, 40, 6); return m; })()));
  });
});

describe('target from corrections', () => {
  it('keeps the network’s nuclei the pathologist kept, clears one with no cell near it, paints an added cell', () => {
    const h = plane([{ x: 20, y: 20, rx: 6, ry: 6, od: 0.5 }, { x: 70, y: 70, rx: 10, ry: 4, od: 0.2 }]);
    const mask = new Uint8Array(SIZE * SIZE);
    disc(mask, 20, 20, 6); // a nucleus the network found and the pathologist kept
    disc(mask, 70, 20, 5); // a false detection (stroma), deleted: no truth cell near it
    const t = correctedTarget(h, mask, SIZE, MPP, [
      { x: 20, y: 20, added: false },
      { x: 70, y: 70, added: true },
    ]);
    expect(t[20 * SIZE + 20]).toBe(1);
    expect(t[20 * SIZE + 70]).toBe(0);
    expect(t[70 * SIZE + 70]).toBe(1);
    const labels = labelComponents(t, SIZE);
    expect(Math.max(...labels)).toBe(2);
  });

  it('replaces a nucleus the network split in two by the added cell’s one outline', () => {
    const h = plane([{ x: 48, y: 48, rx: 14, ry: 5, od: 0.25 }]);
    const mask = new Uint8Array(SIZE * SIZE);
    disc(mask, 40, 48, 4);
    disc(mask, 56, 48, 4);
    const t = correctedTarget(h, mask, SIZE, MPP, [{ x: 48, y: 48, added: true }]);
    expect(Math.max(...labelComponents(t, SIZE))).toBe(1);
    expect(t[48 * SIZE + 48]).toBe(1);
    expect(t[48 * SIZE + 60]).toBe(1);
  });
});
