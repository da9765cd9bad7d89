import { describe, expect, it } from 'vitest';
import { plantRegion, plantedBuffers } from '../../src/synthetic/planted.js';
import { makeScene, renderRegion, truthOf } from '../../src/synthetic/index.js';

const TEXTURE = { h: 0.2, dab: 0.08, spacingUm: 3, lengthUm: 25, granules: 0.3 };

// issue 15: the fibrous stroma and the nucleus ranges that domain-randomised training draws from
describe('fibrous stroma texture and nucleus ranges', () => {
  it('adds texture to the stroma in both stains and leaves cells, nuclei and truth as they were', () => {
    const plain = makeScene({ seed: 21, width: 256, height: 256 });
    const textured = makeScene({ seed: 21, width: 256, height: 256, stromaTexture: TEXTURE });
    expect(truthOf(textured).cells).toEqual(truthOf(plain).cells);
    const a = plantRegion(plain, 0, 0, 256, 256, plantedBuffers(256 * 256));
    const b = plantRegion(textured, 0, 0, 256, 256, plantedBuffers(256 * 256));
    let stroma = 0, raisedH = 0, raisedDab = 0;
    for (let q = 0; q < 256 * 256; q++) {
      if (a.nucleusH[q] > 0) {
        // a nucleus covers whatever stroma lies under it
        expect(b.h[q]).toBe(a.h[q]);
        continue;
      }
      if (!a.tissue[q]) continue;
      stroma++;
      expect(b.h[q]).toBeGreaterThanOrEqual(a.h[q]);
      if (b.h[q] > a.h[q] + 0.05) raisedH++;
      if (b.dab[q] > a.dab[q] + 0.02) raisedDab++;
      expect(b.h[q] - a.h[q]).toBeLessThanOrEqual(TEXTURE.h + TEXTURE.granules + 1e-6);
    }
    // fibres cover a part of the stroma, not all of it
    expect(raisedH / stroma).toBeGreaterThan(0.05);
    expect(raisedH / stroma).toBeLessThan(0.8);
    expect(raisedDab / stroma).toBeGreaterThan(0.02);
  });

  it('renders a crop exactly as the same crop of the whole image', () => {
    const scene = makeScene({ seed: 22, width: 256, height: 256, stromaTexture: TEXTURE });
    const whole = renderRegion(scene, 0, 0, 256, 256);
    const crop = renderRegion(scene, 64, 96, 100, 80);
    for (let y = 0; y < 80; y++) {
      for (let x = 0; x < 100; x++) {
        for (let c = 0; c < 3; c++) expect(crop.data[(y * 100 + x) * 3 + c]).toBe(whole.data[((96 + y) * 256 + 64 + x) * 3 + c]);
      }
    }
  });

  it('draws nucleus semi-axes and hematoxylin OD from the ranges asked for', () => {
    const scene = makeScene({ seed: 23, width: 512, height: 512, mpp: 0.5, nucleusRadiusUm: [2.2, 8], nucleusHOd: [0.18, 0.25] });
    expect(scene.cells.length).toBeGreaterThan(30);
    for (const c of scene.cells) {
      for (const r of [c.rx, c.ry]) {
        expect(r * 0.5).toBeGreaterThanOrEqual(2.2);
        expect(r * 0.5).toBeLessThanOrEqual(8);
      }
      expect(c.hOd).toBeGreaterThanOrEqual(0.18);
      expect(c.hOd).toBeLessThanOrEqual(0.25);
    }
  });
});
