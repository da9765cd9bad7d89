import { describe, expect, it } from 'vitest';
import { VESSEL_DEFAULTS, detectVessels } from '../../src/detect/vessels.js';
import { gaussianBlur } from '../../src/image/gaussian.js';
import { floatPlane } from '../../src/image/raster.js';

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

describe('detectVessels: the wall read blurred', () => {
  it('wallSmoothPx (each lumen window blurred alone) finds what the whole blurred plane gives, lumens and radii alike', () => {
    // three lumens of different walls, one near the plane's edge, on a noisy field
    const w = 300, h = 140;
    const glass = new Uint8Array(w * h);
    const raw = new Float32Array(w * h);
    const centres: [number, number, number][] = [[60, 70, 0.2], [170, 60, 0.15], [270, 110, 0.22]];
    let seed = 9;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        raw[i] = 0.09 + 0.04 * (rnd() - 0.5);
        for (const [cx, cy, wall] of centres) {
          const r = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) * MPP;
          if (r < 4) {
            glass[i] = 1;
            raw[i] = 0.01 * rnd();
          } else if (r < 8) raw[i] = wall + 0.03 * (rnd() - 0.5);
        }
      }
    }
    for (const sigma of [1, 2]) {
      const blurred = gaussianBlur(floatPlane(w, h, raw.slice()), sigma).data;
      for (const relativeWall of [false, true]) {
        const lumensWhole = new Uint8Array(w * h);
        const lumensWindow = new Uint8Array(w * h);
        const whole = detectVessels(glass, blurred, w, h, MPP, { relativeWall }, lumensWhole);
        const windowed = detectVessels(glass, raw, w, h, MPP, { relativeWall, wallSmoothPx: sigma }, lumensWindow);
        expect(whole.length).toBeGreaterThanOrEqual(2);
        expect(windowed).toEqual(whole);
        expect(lumensWindow).toEqual(lumensWhole);
      }
    }
  });
});
