import { describe, expect, it } from 'vitest';
import { VesselParams } from '../../src/domain/params.js';
import { enclosedGlassLevel } from '../../src/detect/lumen-level.js';
import { Rng } from '../../src/synthetic/rng.js';

const O = VesselParams.parse({});
const W = 300;
const MPP = 0.5;

/** A summed-OD plane: glass at `glass` (white point above the true background), tissue above it, noise σ 0.01. */
function plane(glass: number, draw: (x: number, y: number) => number): Float32Array {
  const r = new Rng(7);
  const p = new Float32Array(W * W);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) p[y * W + x] = Math.max(0, glass + draw(x, y) + 0.01 * r.normal());
  return p;
}
const dist = (x: number, y: number, cx: number, cy: number) => Math.hypot(x - cx, y - cy);

describe('enclosed glass level (no glass in view)', () => {
  it('reads the glass a walled lumen shows, 0.16 summed OD above 0, within 0.01', () => {
    // pale fibre 0.07 above the glass; a lumen of 8 µm radius ringed by a 3 µm wall 0.5 above
    const p = plane(0.16, (x, y) => {
      const d = dist(x, y, 150, 150) * MPP;
      return d < 8 ? 0 : d < 11 ? 0.5 : 0.07;
    });
    const g = enclosedGlassLevel(p, W, W, MPP, O);
    expect(g).not.toBeNull();
    expect(Math.abs(g! - 0.16)).toBeLessThan(0.01);
  });

  it('finds no glass in tissue without a hole: pale fibres between darker endomysium give null', () => {
    // 40 µm fibres at 0.07 above the glass level, 2 µm endomysium at 0.3
    const p = plane(0.16, (x, y) => ((x * MPP) % 40 < 2 || (y * MPP) % 40 < 2 ? 0.3 : 0.07));
    expect(enclosedGlassLevel(p, W, W, MPP, O)).toBeNull();
  });

  it('leaves out a bright region cut by the tile edge and one that is not enclosed by darker tissue', () => {
    const p = plane(0.16, (x, y) => (x < 20 ? 0 : dist(x, y, 150, 150) * MPP < 8 ? 0.0 : 0.04));
    // the edge strip touches the border; the disc's surroundings are only 0.04 darker (< holeContrastOd)
    expect(enclosedGlassLevel(p, W, W, MPP, O)).toBeNull();
  });
});
