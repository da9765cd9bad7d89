import { describe, expect, it } from 'vitest';
import { qcPlanes } from '../../src/detect/qc/planes.js';
import { rgbRaster } from '../../src/image/raster.js';
import { DAB_DEFAULT, HDAB_DEFAULT } from '../../src/stain/vectors.js';

/** A 64 × 64 field of pure DAB whose OD rises smoothly from 0.05 to 0.45 left to right (a diffuse IL-1 patch's edge). */
function dabRamp(): ReturnType<typeof rgbRaster> {
  const w = 64;
  const img = rgbRaster(w, w);
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < w; x++) {
      const c = 0.05 + (0.4 * x) / (w - 1);
      for (let k = 0; k < 3; k++) img.data[3 * (y * w + x) + k] = Math.round(255 * 10 ** -(c * DAB_DEFAULT[k]));
    }
  }
  return img;
}

const sum = (a: Float32Array): number => a.reduce((s, v) => s + v, 0);

describe('qcPlanes focus plane', () => {
  it('reads the gradient of a smooth DAB ramp on summed OD and next to none of it on hematoxylin', () => {
    const od = qcPlanes(dabRamp(), 255, HDAB_DEFAULT, 1, 3, 'od');
    const hema = qcPlanes(dabRamp(), 255, HDAB_DEFAULT, 1, 3, 'hematoxylin');
    expect(sum(od.coarse2)).toBeGreaterThan(0);
    // only 8-bit rounding is left on the hematoxylin plane
    expect(sum(hema.coarse2)).toBeLessThan(0.05 * sum(od.coarse2));
    // the fold and ice planes do not change with the focus plane
    expect(hema.smooth).toEqual(od.smooth);
  });
});
