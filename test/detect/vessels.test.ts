import { describe, expect, it } from 'vitest';
import { VESSEL_DEFAULTS, detectVessels } from '../../src/detect/vessels.js';

// A 60 × 60 µm plane at 0.5 µm/px: a round lumen of radius 4 µm (glass) in the middle, ringed by
// a wall out to 8 µm of hematoxylin `wall`, in tissue of hematoxylin `around` (septum or fibre).
const W = 120;
const MPP = 0.5;
function plane(wall: number, around: number): { glass: Uint8Array; h: Float32Array } {
  const glass = new Uint8Array(W * W);
  const h = new Float32Array(W * W);
  for (let y = 0; y < W; y++) {
    for (let x = 0; x < W; x++) {
      const r = Math.hypot(x + 0.5 - W / 2, y + 0.5 - W / 2) * MPP;
      const i = y * W + x;
      if (r < 4) glass[i] = 1;
      else h[i] = r < 8 ? wall : around;
    }
  }
  return { glass, h };
}

describe('detectVessels: walls', () => {
  it('a wall above wallOd (0.2 in a 0.1 septum) is a vessel of its outer radius', () => {
    expectOneVesselOfRadius8(plane(0.2, 0.1));
  });

  it('a faint wall (0.15, under wallOd 0.165) in pale connective tissue (0.09) counts by its contrast (wallContrastOd), not without it', () => {
    const p = plane(0.15, 0.09);
    expectOneVesselOfRadius8(p);
    expect(detectVessels(p.glass, p.h, W, W, MPP, { wallContrastOd: 0 })).toHaveLength(0);
  });

  it('no wall, no vessel: a hole in a fibre (0.04 all round), and a ring under minWallOd however it stands out', () => {
    expect(detectVessels(...args(plane(0.04, 0.04)))).toHaveLength(0);
    expect(VESSEL_DEFAULTS.minWallOd).toBe(0.13);
    expect(detectVessels(...args(plane(0.12, 0.04)))).toHaveLength(0);
  });
});

function expectOneVesselOfRadius8(p: { glass: Uint8Array; h: Float32Array }): void {
  const v = detectVessels(...args(p));
  expect(v).toHaveLength(1);
  expect(v[0].radiusUm).toBeGreaterThan(7.5);
  expect(v[0].radiusUm).toBeLessThan(8.6);
}

function args(p: { glass: Uint8Array; h: Float32Array }): Parameters<typeof detectVessels> {
  return [p.glass, p.h, W, W, MPP];
}
