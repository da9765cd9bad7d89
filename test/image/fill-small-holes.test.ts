import { describe, expect, it } from 'vitest';
import { fillSmallHoles } from '../../src/image/fill-small-holes.js';

/** Reference: flood each 4-connected background component, fill it when under its limit. */
function reference(mask: Uint8Array, w: number, h: number, maxPx: number, maxEdgePx: number): Uint8Array {
  const out = mask.slice();
  const seen = new Uint8Array(w * h);
  for (let s = 0; s < w * h; s++) {
    if (mask[s] || seen[s]) continue;
    const comp = [s];
    seen[s] = 1;
    let edge = false;
    for (let k = 0; k < comp.length; k++) {
      const p = comp[k];
      const x = p % w, y = (p - x) / w;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) edge = true;
      for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const xx = x + dx, yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
        const q = yy * w + xx;
        if (!mask[q] && !seen[q]) {
          seen[q] = 1;
          comp.push(q);
        }
      }
    }
    if (comp.length < (edge ? maxEdgePx : maxPx)) for (const p of comp) out[p] = 1;
  }
  return out;
}

describe('fillSmallHoles', () => {
  it('fills enclosed holes under maxPx and edge pockets under maxEdgePx, as a flood of each hole does, on planes of every size in turn', () => {
    let s = 5;
    const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let filled = 0;
    // sizes out of order: the kept buffers are reused for smaller planes after larger ones
    for (const [w, h, density] of [[60, 40, 0.75], [200, 150, 0.8], [13, 71, 0.7], [1, 9, 0.5], [90, 90, 0.85]] as const) {
      const mask = Uint8Array.from({ length: w * h }, () => (rnd() < density ? 1 : 0));
      for (const [maxPx, maxEdgePx] of [[3, 0], [6, 2], [40, 80]]) {
        const got = mask.slice();
        fillSmallHoles(got, w, h, maxPx, maxEdgePx);
        const want = reference(mask, w, h, maxPx, maxEdgePx);
        expect(got).toEqual(want);
        filled += want.reduce((a, v) => a + v, 0) - mask.reduce((a, v) => a + v, 0);
      }
    }
    expect(filled).toBeGreaterThan(100);
  });
});
