import { describe, expect, it } from 'vitest';
import { floatPlane } from '../../src/image/raster.js';
import { BackgroundEstimator } from './reference/opening.js';
import { ReferenceWatershed } from './reference/watershed.js';
import { DistanceTransform } from '../../src/image/distance-transform.js';
import { fillHoles } from './reference/fill-holes.js';
import { gaussianBlur, gaussianKernel } from '../../src/image/gaussian.js';
import { ComponentLabeller, componentStats } from '../../src/image/label.js';
import { MinMaxFilter } from '../../src/image/min-max-filter.js';
import { Watershed } from '../../src/image/watershed.js';
import { discPlane, prng } from '../detect/shapes.js';

describe('gaussianBlur', () => {
  it('kernel sums to 1 and has radius ceil(3σ)', () => {
    const k = gaussianKernel(1.5);
    expect(k.length).toBe(2 * 5 + 1);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(k[5]).toBeGreaterThan(k[4]);
  });

  it('keeps a constant plane constant (reflected borders) and preserves the mass of an impulse', () => {
    const c = floatPlane(17, 13);
    c.data.fill(0.3);
    const out = gaussianBlur(c, 2);
    for (const v of out.data) expect(v).toBeCloseTo(0.3, 5);

    const imp = floatPlane(41, 41);
    imp.data[20 * 41 + 20] = 1;
    const b = gaussianBlur(imp, 2);
    expect(b.data.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
    // Second moment of the 2-D Gaussian along x equals σ².
    let m2 = 0;
    for (let y = 0; y < 41; y++) for (let x = 0; x < 41; x++) m2 += b.data[y * 41 + x] * (x - 20) ** 2;
    expect(m2).toBeCloseTo(4, 1);
  });

  it('may blur in place', () => {
    const p = discPlane(30, 30, [{ x: 15, y: 15, r: 5, value: 1 }]);
    const ref = gaussianBlur(p, 1.2);
    gaussianBlur(p, 1.2, p);
    expect(Array.from(p.data)).toEqual(Array.from(ref.data));
  });
});

describe('MinMaxFilter (van Herk / Gil-Werman)', () => {
  it('equals a brute-force running min/max along x and y, borders ignored', () => {
    const rnd = prng(7);
    const w = 23;
    const h = 19;
    const src = Float32Array.from({ length: w * h }, () => Math.round(rnd() * 100));
    const f = new MinMaxFilter();
    for (const r of [1, 3, 6, 30]) {
      for (const axis of ['x', 'y'] as const) {
        for (const op of ['min', 'max'] as const) {
          const out = new Float32Array(w * h);
          f.run(src, out, w, h, r, axis, op);
          for (let y = 0; y < h; y++) {
            for (let x = 0; x < w; x++) {
              let want = op === 'min' ? Infinity : -Infinity;
              for (let t = -r; t <= r; t++) {
                const xx = axis === 'x' ? x + t : x;
                const yy = axis === 'y' ? y + t : y;
                if (xx < 0 || xx >= w || yy < 0 || yy >= h) continue;
                const v = src[yy * w + xx];
                want = op === 'min' ? Math.min(want, v) : Math.max(want, v);
              }
              expect(out[y * w + x]).toBe(want);
            }
          }
        }
      }
    }
  });
});

describe('BackgroundEstimator', () => {
  it('removes discs smaller than the square and keeps the ramp under them', () => {
    const w = 120;
    const h = 80;
    const p = discPlane(w, h, [
      { x: 40, y: 40, r: 8, value: 0.5 },
      { x: 85, y: 30, r: 6, value: 0.4 },
    ]);
    // Add a gentle ramp (stroma counterstain varies slowly).
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) p.data[y * w + x] += 0.05 + 0.0005 * x;
    new BackgroundEstimator().subtractInPlace(p, 16, new Float32Array(w * h));
    expect(p.data[40 * w + 40]).toBeCloseTo(0.5, 1);
    expect(p.data[30 * w + 85]).toBeCloseTo(0.4, 1);
    // Away from discs the residual is only the ramp's slope over the window (≤ 0.0005·16).
    expect(p.data[70 * w + 10]).toBeLessThan(0.009);
    for (const v of p.data) expect(v).toBeGreaterThanOrEqual(0);
  });
});

describe('DistanceTransform', () => {
  it('equals brute force on random masks, with the right nearest feature', () => {
    const rnd = prng(11);
    const dt = new DistanceTransform();
    for (const [w, h, density] of [
      [31, 17, 0.05],
      [16, 40, 0.3],
      [25, 25, 0.002],
    ] as const) {
      const mask = Uint8Array.from({ length: w * h }, () => (rnd() < density ? 1 : 0));
      mask[Math.floor(rnd() * w * h)] = 1;
      const out = new Float32Array(w * h);
      const nearest = new Int32Array(w * h);
      dt.squared(mask, w, h, out, { nearest });
      for (let i = 0; i < w * h; i++) {
        let best = Infinity;
        for (let j = 0; j < w * h; j++) {
          if (!mask[j]) continue;
          const d = ((i % w) - (j % w)) ** 2 + (Math.floor(i / w) - Math.floor(j / w)) ** 2;
          if (d < best) best = d;
        }
        expect(out[i]).toBe(best);
        const j = nearest[i];
        expect(mask[j]).toBe(1);
        expect(((i % w) - (j % w)) ** 2 + (Math.floor(i / w) - Math.floor(j / w)) ** 2).toBe(best);
      }
    }
  });

  it('distance to background inside a disc peaks at the radius', () => {
    const w = 41;
    const disc = discPlane(w, w, [{ x: 20, y: 20, r: 10, value: 1 }]);
    const mask = Uint8Array.from(disc.data, (v) => (v > 0 ? 1 : 0));
    const out = new Float32Array(w * w);
    new DistanceTransform().squared(mask, w, w, out, { invert: true });
    // Nearest background pixel to the centre is (10, 1) away: 10² + 1² > r² = 100.
    expect(out[20 * w + 20]).toBe(101);
    expect(out[0]).toBe(0);
  });
});

describe('ComponentLabeller', () => {
  const w = 8;
  // Two blobs touching only diagonally, and a separate one.
  const rows = ['11000000', '11000011', '00100011', '00010000', '00000000', '10000000'];
  const mask = Uint8Array.from(rows.join(''), (c) => Number(c));
  const h = rows.length;

  it('8-connected joins diagonal neighbours; labels in raster order', () => {
    const labels = new Int32Array(w * h);
    const count = new ComponentLabeller().label(mask, w, h, labels, 8);
    expect(count).toBe(3);
    expect(labels[0]).toBe(1);
    expect(labels[3 * w + 3]).toBe(1);
    expect(labels[1 * w + 6]).toBe(2);
    expect(labels[5 * w]).toBe(3);
    const s = componentStats(labels, w, h, count);
    expect(Array.from(s.area)).toEqual([0, 6, 4, 1]);
    expect(s.cx[2]).toBe(6.5);
    expect(s.cy[2]).toBe(1.5);
    expect([s.x0[1], s.y0[1], s.x1[1], s.y1[1]]).toEqual([0, 0, 3, 3]);
  });

  it('4-connected keeps diagonal neighbours apart', () => {
    const labels = new Int32Array(w * h);
    expect(new ComponentLabeller().label(mask, w, h, labels, 4)).toBe(5);
  });

  it('equals a flood fill (labels in raster order of first pixel) on random masks, both connectivities', () => {
    const rnd = prng(23);
    const labeller = new ComponentLabeller();
    for (const [mw, mh, density] of [
      [37, 23, 0.3],
      [40, 40, 0.55],
      [19, 50, 0.7],
      [64, 9, 0.9],
      [1, 30, 0.5],
      [30, 1, 0.5],
    ] as const) {
      const m = Uint8Array.from({ length: mw * mh }, () => (rnd() < density ? 1 : 0));
      for (const conn of [4, 8] as const) {
        const got = new Int32Array(mw * mh).fill(-1);
        const count = labeller.label(m, mw, mh, got, conn);
        const want = new Int32Array(mw * mh);
        let n = 0;
        for (let s = 0; s < mw * mh; s++) {
          if (!m[s] || want[s]) continue;
          want[s] = ++n;
          const stack = [s];
          while (stack.length) {
            const p = stack.pop()!;
            const px = p % mw, py = (p - px) / mw;
            for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
              if ((dx === 0 && dy === 0) || (conn === 4 && dx !== 0 && dy !== 0)) continue;
              const x = px + dx, y = py + dy;
              if (x < 0 || y < 0 || x >= mw || y >= mh) continue;
              const q = y * mw + x;
              if (m[q] && !want[q]) {
                want[q] = n;
                stack.push(q);
              }
            }
          }
        }
        expect(count).toBe(n);
        expect(Array.from(got)).toEqual(Array.from(want));
        // labelWithAreas: the same labels, and each component's pixel count of the flood
        const withAreas = new Int32Array(mw * mh).fill(-1);
        const { count: c2, area } = labeller.labelWithAreas(m, mw, mh, withAreas, conn);
        expect(c2).toBe(n);
        expect(Array.from(withAreas)).toEqual(Array.from(want));
        const wantArea = new Array<number>(n + 1).fill(0);
        for (const l of want) if (l) wantArea[l]++;
        expect(Array.from(area)).toEqual(wantArea);
      }
    }
  });
});

describe('fillHoles', () => {
  it('fills enclosed background, keeps background connected to the border', () => {
    const rows = ['0000000', '0111110', '0100010', '0101010', '0111110', '0000100', '0000000'];
    const w = 7;
    const mask = Uint8Array.from(rows.join(''), (c) => Number(c));
    fillHoles(mask, w, rows.length, new Int32Array(w * rows.length));
    const want = ['0000000', '0111110', '0111110', '0111110', '0111110', '0000100', '0000000'];
    expect(Array.from(mask).join('')).toBe(want.join(''));
  });
});

describe('Watershed on the distance map', () => {
  const split = (discs: Array<{ x: number; y: number; r: number }>, opts = { dynamic: 0.8, minSeparation: 6 }) => {
    const w = 80;
    const h = 60;
    const p = discPlane(w, h, discs.map((d) => ({ ...d, value: 1 })));
    const mask = Uint8Array.from(p.data, (v) => (v > 0 ? 1 : 0));
    const dist = new Float32Array(w * h);
    new DistanceTransform().squared(mask, w, h, dist, { invert: true });
    for (let i = 0; i < dist.length; i++) dist[i] = Math.sqrt(dist[i]);
    const labels = new Int32Array(w * h);
    const count = new Watershed().split(mask, dist, w, h, labels, opts);
    return { count, labels, w, stats: componentStats(labels, w, h, count) };
  };

  it('splits two overlapping discs (centres 0.8 × sum of radii apart) near their centres', () => {
    const { count, stats } = split([
      { x: 28, y: 30, r: 9 },
      { x: 28 + 0.8 * 17, y: 30, r: 8 },
    ]);
    expect(count).toBe(2);
    expect(stats.cx[1]).toBeCloseTo(27.3, 0);
    expect(stats.cx[2]).toBeCloseTo(42.2, 0);
    expect(stats.area[1] + stats.area[2]).toBeGreaterThan(400);
  });

  it('keeps one ellipse-like blob (a plateau ridge) whole', () => {
    const blob = [];
    for (let x = 25; x <= 50; x += 1) blob.push({ x, y: 30, r: 8 });
    expect(split(blob).count).toBe(1);
  });

  it('merges peaks closer than the minimum separation', () => {
    const r = split([
      { x: 30, y: 30, r: 8 },
      { x: 35, y: 30, r: 8 },
    ]);
    expect(r.count).toBe(1);
  });

  it('a thin strip whose ridge wobbles stays whole under the relative rule; thin nuclei with a real neck and round ones still split', () => {
    // a strip alternately 11 and 10 px tall over 8 px runs: distance-map peaks 6 px, 16 px apart,
    // necks 5 px — 1 px (17 %) lower, enough for the absolute rule, not for the relative one
    const w = 80;
    const h = 60;
    const mask = new Uint8Array(w * h);
    for (let x = 8; x < 72; x++) for (let y = 25; y <= (Math.floor((x - 8) / 8) % 2 === 0 ? 35 : 34); y++) mask[y * w + x] = 1;
    const dist = new Float32Array(w * h);
    new DistanceTransform().squared(mask, w, h, dist, { invert: true });
    for (let i = 0; i < dist.length; i++) dist[i] = Math.sqrt(dist[i]);
    const abs = { dynamic: 0.2, minSeparation: 6 };
    const rel = { ...abs, relativeDynamic: 0.2, thinPeak: 7 };
    expect(new Watershed().split(mask, dist, w, h, new Int32Array(w * h), abs)).toBeGreaterThan(1);
    expect(new Watershed().split(mask, dist, w, h, new Int32Array(w * h), rel)).toBe(1);
    // two thin discs touching at a deep neck
    expect(split([{ x: 30, y: 30, r: 5 }, { x: 40, y: 30, r: 5 }], rel).count).toBe(2);
    // round nuclei (peaks above thinPeak) keep the absolute rule
    expect(split([{ x: 28, y: 30, r: 9 }, { x: 28 + 0.8 * 17, y: 30, r: 8 }], rel).count).toBe(2);
  });

  it('gives the labels of the reference flood on random blob masks, rim pixels included', () => {
    const rnd = prng(31);
    for (const [w, h, blobs] of [
      [60, 45, 14],
      [33, 70, 9],
      [80, 80, 30],
    ] as const) {
      const discs = Array.from({ length: blobs }, () => ({ x: rnd() * w, y: rnd() * h, r: 3 + rnd() * 9, value: 1 }));
      const mask = Uint8Array.from(discPlane(w, h, discs).data, (v) => (v > 0 ? 1 : 0));
      const dist = new Float32Array(w * h);
      new DistanceTransform().squared(mask, w, h, dist, { invert: true });
      for (let i = 0; i < w * h; i++) dist[i] = Math.sqrt(dist[i]);
      for (const opts of [{ dynamic: 0.2, minSeparation: 6 }, { dynamic: 2, minSeparation: 8, bucketsPerUnit: 4 }, { dynamic: 0.5, minSeparation: 3, relativeDynamic: 0.3, thinPeak: 5 }]) {
        const got = new Int32Array(w * h);
        const want = new Int32Array(w * h);
        const count = new Watershed().split(mask, dist, w, h, got, opts);
        expect(count).toBe(new ReferenceWatershed().split(mask, dist, w, h, want, opts));
        expect(Array.from(got)).toEqual(Array.from(want));
        // flooded component by component, the components in their own array or in the output one
        const comps = new Int32Array(w * h);
        const components = { labels: comps, count: new ComponentLabeller().label(mask, w, h, comps) };
        expect(components.count).toBeGreaterThan(1);
        const byComponent = new Int32Array(w * h);
        expect(new Watershed().split(mask, dist, w, h, byComponent, { ...opts, components })).toBe(count);
        expect(Array.from(byComponent)).toEqual(Array.from(want));
        const aliased = { labels: byComponent, count: new ComponentLabeller().label(mask, w, h, byComponent) };
        expect(new Watershed().split(mask, dist, w, h, byComponent, { ...opts, components: aliased })).toBe(count);
        expect(Array.from(byComponent)).toEqual(Array.from(want));
      }
    }
  });

  it('separate objects stay separate whatever the options', () => {
    const r = split(
      [
        { x: 15, y: 15, r: 5 },
        { x: 60, y: 40, r: 6 },
      ],
      { dynamic: 100, minSeparation: 1000 },
    );
    expect(r.count).toBe(2);
  });
});
