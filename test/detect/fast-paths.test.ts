import { describe, expect, it } from 'vitest';
import { BoxGaussian } from '../../src/image/box-gaussian.js';
import { CellExpander } from '../../src/detect/cells.js';
import { CoarseOpening } from '../../src/image/coarse-opening.js';
import { BackgroundEstimator } from '../image/reference/opening.js';
import { DistanceTransform } from '../../src/image/distance-transform.js';
import { EdgeMask } from '../../src/detect/edge-mask.js';
import { fillHoles } from '../image/reference/fill-holes.js';
import { gaussianBlur } from '../../src/image/gaussian.js';
import { MinMaxFilter } from '../../src/image/min-max-filter.js';
import { NucleusRegions } from '../../src/detect/nucleus-regions.js';
import { Watershed } from '../../src/image/watershed.js';
import { floatPlane } from '../../src/image/raster.js';
import { discPlane, prng } from './shapes.js';

/** Random blobs: discs, rings (holes, islands inside holes), touching pairs, blobs cut by the border. */
function blobMask(w: number, h: number, seed: number): Uint8Array {
  const rnd = prng(seed);
  const m = new Uint8Array(w * h);
  const disc = (cx: number, cy: number, r: number, v: number) => {
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(h - 1, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(w - 1, Math.ceil(cx + r)); x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) m[y * w + x] = v;
    }
  };
  for (let k = 0; k < 40; k++) {
    const cx = rnd() * w;
    const cy = rnd() * h;
    const r = 3 + rnd() * 9;
    disc(cx, cy, r, 1);
    if (rnd() < 0.3) disc(cx + 0.8 * r * (1 + rnd()), cy + rnd() * 3, r * (0.6 + 0.4 * rnd()), 1);
    if (rnd() < 0.25 && r > 6) {
      disc(cx, cy, r - 2.5, 0); // ring → hole
      if (rnd() < 0.5) disc(cx, cy, 1.2, 1); // island inside the hole
    }
  }
  for (let i = 0; i < w * h; i++) if (rnd() < 0.01) m[i] ^= 1; // specks and pin-holes
  return m;
}

/** The whole-plane pipeline the boxed one replaces: fill holes, EDT, watershed, area filter. */
function reference(mask0: Uint8Array, hem: Float32Array, w: number, h: number, minArea: number, maxArea: number) {
  const n = w * h;
  const mask = mask0.slice();
  fillHoles(mask, w, h, new Int32Array(n));
  const dist = new Float32Array(n);
  new DistanceTransform().squared(mask, w, h, dist, { invert: true });
  for (let i = 0; i < n; i++) dist[i] = mask[i] ? Math.sqrt(dist[i]) : 0;
  const labels = new Int32Array(n);
  const count = new Watershed().split(mask, dist, w, h, labels, { dynamic: 0.2, minSeparation: 6 });
  const area = new Array<number>(count + 1).fill(0);
  const sx = new Array<number>(count + 1).fill(0);
  const sy = new Array<number>(count + 1).fill(0);
  const sh = new Array<number>(count + 1).fill(0);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (!l) continue;
    area[l]++;
    sx[l] += i % w;
    sy[l] += Math.floor(i / w);
    sh[l] += hem[i];
  }
  const remap = new Int32Array(count + 1);
  const nuclei = [];
  for (let l = 1; l <= count; l++) {
    if (area[l] < minArea || area[l] > maxArea) continue;
    remap[l] = nuclei.length + 1;
    nuclei.push({ label: nuclei.length + 1, cx: sx[l] / area[l], cy: sy[l] / area[l], areaPx: area[l], meanH: sh[l] / area[l] });
  }
  for (let i = 0; i < n; i++) labels[i] = remap[labels[i]];
  return { labels, nuclei };
}

describe('NucleusRegions (per-component boxes)', () => {
  it('equals whole-plane hole filling + distance-transform watershed + area filter on random masks', () => {
    const regions = new NucleusRegions();
    for (const [w, h, seed] of [
      [160, 120, 1],
      [97, 203, 2],
      [256, 64, 3],
    ] as const) {
      const mask = blobMask(w, h, seed);
      const hem = Float32Array.from({ length: w * h }, (_, i) => ((i * 7919) % 101) / 100);
      const ref = reference(mask, hem, w, h, 12, 300);
      const pixels = new Int32Array(w * h);
      let count = 0;
      for (let i = 0; i < w * h; i++) if (mask[i]) pixels[count++] = i;
      const labels = new Int32Array(w * h);
      const nuclei = regions.run(mask.slice(), pixels, count, hem, w, h, labels, { dynamic: 0.2, minSeparation: 6 }, 12, 300);
      expect(ref.nuclei.length).toBeGreaterThan(15);
      expect(nuclei).toEqual(ref.nuclei);
      expect(Array.from(labels)).toEqual(Array.from(ref.labels));
    }
  });
});

describe('EdgeMask', () => {
  it('equals the full-plane rule: s ≥ t and blur(hem) − bg ≥ fraction · local max of s', () => {
    const rnd = prng(5);
    for (const [w, h] of [
      [90, 70],
      [5, 40],
    ] as const) {
      const hem = floatPlane(w, h, Float32Array.from({ length: w * h }, () => rnd() * 0.6));
      const s = Float32Array.from({ length: w * h }, () => rnd() * 0.3);
      const bg = Float32Array.from({ length: w * h }, () => rnd() * 0.05);
      const light = gaussianBlur(hem, 1).data;
      for (let i = 0; i < w * h; i++) light[i] -= bg[i];
      const lm = new Float32Array(w * h);
      const f = new MinMaxFilter();
      f.run(s, lm, w, h, 4, 'x', 'max');
      f.run(lm, lm, w, h, 4, 'y', 'max');
      const mask = new Uint8Array(w * h);
      const pixels = new Int32Array(w * h);
      const count = new EdgeMask().build(hem.data, s, bg, w, h, 0.1, 1, 4, 0.5, mask, pixels);
      let want = 0;
      for (let i = 0; i < w * h; i++) {
        const on = s[i] >= 0.1 && light[i] >= 0.5 * lm[i] ? 1 : 0;
        expect(mask[i]).toBe(on);
        if (on) expect(pixels[want++]).toBe(i);
      }
      expect(count).toBe(want);
      expect(want).toBeGreaterThan(10);
    }
  });
});

describe('CellExpander (clipped, one pass per row)', () => {
  it('equals the nearest-feature distance transform clipped at the expansion, ties included', () => {
    const rnd = prng(9);
    const dt = new DistanceTransform();
    const expander = new CellExpander();
    for (const [w, h, radius] of [
      [120, 90, 6],
      [64, 150, 3.5],
      [200, 40, 12],
    ] as const) {
      // Small square and single-pixel "nuclei" on an integer grid: many exact distance ties.
      const nuclei = new Int32Array(w * h);
      let label = 0;
      for (let k = 0; k < 60; k++) {
        const x0 = Math.floor(rnd() * w);
        const y0 = Math.floor(rnd() * h);
        const size = 1 + Math.floor(rnd() * 4);
        label++;
        for (let y = y0; y < Math.min(h, y0 + size); y++) for (let x = x0; x < Math.min(w, x0 + size); x++) nuclei[y * w + x] = label;
      }
      const d2 = new Float32Array(w * h);
      const nearest = new Int32Array(w * h);
      dt.squared(nuclei, w, h, d2, { nearest });
      const cells = new Int32Array(w * h).fill(-7);
      expander.expand(nuclei, w, h, radius, cells);
      let grown = 0;
      for (let i = 0; i < w * h; i++) {
        const want = nearest[i] >= 0 && d2[i] <= radius * radius ? nuclei[nearest[i]] : 0;
        if (cells[i] !== want) expect(`pixel ${i}: ${cells[i]}`).toBe(`pixel ${i}: ${want}`);
        if (want && !nuclei[i]) grown++;
      }
      expect(grown).toBeGreaterThan(500);
      // Restricted to merged boxes around the nuclei: the same labels.
      const boxes = new Int32Array(4 * label);
      for (let l = 1; l <= label; l++) boxes.set([w, h, -1, -1], 4 * (l - 1));
      for (let i = 0; i < w * h; i++) {
        const l = nuclei[i];
        if (!l) continue;
        const q = 4 * (l - 1);
        const x = i % w;
        const y = Math.floor(i / w);
        boxes[q] = Math.min(boxes[q], x);
        boxes[q + 1] = Math.min(boxes[q + 1], y);
        boxes[q + 2] = Math.max(boxes[q + 2], x);
        boxes[q + 3] = Math.max(boxes[q + 3], y);
      }
      const boxed = new Int32Array(w * h).fill(-7);
      expander.expand(nuclei, w, h, radius, boxed, boxes);
      expect(Array.from(boxed)).toEqual(Array.from(cells));
    }
  });
});

describe('BoxGaussian (three extended boxes)', () => {
  it('has unit mass, variance σ² and stays within 13% of the Gaussian peak for σ = 1.5–5 px (2-D; measured 12.7, 10.3, 11.4%)', () => {
    const box = new BoxGaussian();
    const W = 81;
    for (const sigma of [1.5, 3, 5]) {
      const imp = floatPlane(W, W);
      imp.data[40 * W + 40] = 1;
      const out = new Float32Array(W * W);
      box.blur(imp.data, out, W, W, sigma, new Float32Array(W * W));
      const exact = gaussianBlur(imp, sigma).data;
      let mass = 0;
      let m2 = 0;
      let worst = 0;
      for (let i = 0; i < W * W; i++) {
        mass += out[i];
        m2 += out[i] * ((i % W) - 40) ** 2;
        worst = Math.max(worst, Math.abs(out[i] - exact[i]));
      }
      expect(mass).toBeCloseTo(1, 5);
      expect(m2 / (sigma * sigma)).toBeCloseTo(1, 3);
      expect(worst / exact[40 * W + 40]).toBeLessThan(0.13);
    }
  });

  it('keeps a constant plane (reflected borders) and gives a tile the same values as the whole plane inside its margin', () => {
    const box = new BoxGaussian();
    const w = 60;
    const h = 45;
    const c = new Float32Array(w * h).fill(0.3);
    const out = new Float32Array(w * h);
    box.blur(c, out, w, h, 3, new Float32Array(w * h));
    for (const v of out) expect(v).toBeCloseTo(0.3, 6);
    const rnd = prng(3);
    const whole = Float32Array.from({ length: w * h }, () => rnd());
    const blurred = new Float32Array(w * h);
    box.blur(whole, blurred, w, h, 3, new Float32Array(w * h));
    // A 30×25 window at (17, 11); support of σ = 3 is 3·(r+1) = 9 px.
    const tw = 30;
    const th = 25;
    const tile = new Float32Array(tw * th);
    for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) tile[y * tw + x] = whole[(y + 11) * w + x + 17];
    const tb = new Float32Array(tw * th);
    box.blur(tile, tb, tw, th, 3, new Float32Array(tw * th));
    for (let y = 9; y < th - 9; y++) for (let x = 9; x < tw - 9; x++) expect(tb[y * tw + x]).toBeCloseTo(blurred[(y + 11) * w + x + 17], 6);
  });
});

describe('CoarseOpening (block grid aligned to level coordinates)', () => {
  it('removes nuclei-sized discs and keeps the stroma ramp under them, like the exact opening', () => {
    const w = 120;
    const h = 80;
    const p = discPlane(w, h, [
      { x: 40, y: 40, r: 8, value: 0.5 },
      { x: 85, y: 30, r: 6, value: 0.4 },
    ]);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) p.data[y * w + x] += 0.05 + 0.0005 * x;
    const exact = Float32Array.from(p.data);
    new BackgroundEstimator().subtractInPlace(floatPlane(w, h, exact), 16, new Float32Array(w * h));
    const bg = new Float32Array(w * h);
    new CoarseOpening().subtract(p.data, bg, w, h, 16, 0, 0);
    expect(p.data[40 * w + 40]).toBeCloseTo(0.5, 1);
    expect(p.data[30 * w + 85]).toBeCloseTo(0.4, 1);
    // Away from the discs: the ramp's slope over the window at most, as for the exact opening.
    expect(Math.abs(p.data[70 * w + 10])).toBeLessThan(0.01);
    let worst = 0;
    for (let i = 0; i < w * h; i++) worst = Math.max(worst, Math.abs(p.data[i] - exact[i]));
    expect(worst).toBeLessThan(0.02);
  });

  it('gives a tile the same background as the whole plane away from its border, whatever its offset', () => {
    const rnd = prng(21);
    const w = 200;
    const h = 160;
    const base = discPlane(w, h, Array.from({ length: 30 }, () => ({ x: rnd() * w, y: rnd() * h, r: 4 + rnd() * 5, value: 0.3 + rnd() * 0.4 })), 0.05);
    for (let i = 0; i < w * h; i++) base.data[i] += 0.03 * rnd();
    const opening = new CoarseOpening();
    const wholeS = Float32Array.from(base.data);
    const wholeBg = new Float32Array(w * h);
    opening.subtract(wholeS, wholeBg, w, h, 16, 1000, 2000); // the plane sits at (1000, 2000) of the level
    for (const [tx, ty] of [
      [13, 7],
      [50, 41],
      [3, 60],
    ]) {
      const tw = 130;
      const th = 95;
      const tile = new Float32Array(tw * th);
      for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) tile[y * tw + x] = base.data[(y + ty) * w + x + tx];
      const bg = new Float32Array(tw * th);
      opening.subtract(tile, bg, tw, th, 16, 1000 + tx, 2000 + ty);
      // Reach: erosion + dilation 4 blocks each, one block of interpolation, one partial block: 40 px.
      let compared = 0;
      for (let y = 40; y < th - 40; y++) {
        for (let x = 40; x < tw - 40; x++) {
          expect(bg[y * tw + x]).toBe(wholeBg[(y + ty) * w + x + tx]);
          expect(tile[y * tw + x]).toBe(wholeS[(y + ty) * w + x + tx]);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(700);
    }
  });
});
