import { describe, expect, it } from 'vitest';
import { DistanceSplit } from '../../src/image/distance-split.js';
import { discPlane, prng } from '../detect/shapes.js';

const opts = { dynamic: 0.5, minSeparation: 4, bucketsPerUnit: 4 };

/** a plane of touching and separate discs, as fibres are */
function blobs(w: number, h: number, count: number, rnd: () => number): Uint8Array {
  const discs = Array.from({ length: count }, () => ({ x: rnd() * w, y: rnd() * h, r: 4 + rnd() * 10, value: 1 }));
  return Uint8Array.from(discPlane(w, h, discs).data, (v) => (v > 0 ? 1 : 0));
}

describe('DistanceSplit.resplit', () => {
  it('gives the labels of a whole new split when lines are cut into some regions and pixels added or dropped elsewhere', () => {
    const rnd = prng(5);
    for (const [w, h, count] of [
      [90, 70, 30],
      [64, 128, 40],
      [150, 40, 25],
    ] as const) {
      for (let trial = 0; trial < 6; trial++) {
        const before = blobs(w, h, count, rnd);
        const ds = new DistanceSplit();
        const beforeLabels = new Int32Array(w * h);
        const beforeCount = ds.split(before, w, h, beforeLabels, opts);
        const after = before.slice();
        // a few straight cuts (faint lines linked), at image edges too, and scattered flips
        for (let k = 0; k < 1 + trial; k++) {
          const vertical = rnd() < 0.5;
          const at = Math.floor(rnd() * (vertical ? w : h));
          const from = Math.floor(rnd() * (vertical ? h : w));
          const len = 5 + Math.floor(rnd() * 25);
          for (let t = from; t < Math.min(from + len, vertical ? h : w); t++) after[vertical ? t * w + at : at * w + t] = 0;
        }
        for (let k = 0; k < trial; k++) after[Math.floor(rnd() * w * h)] ^= 1;
        const want = new Int32Array(w * h);
        const wantCount = new DistanceSplit().split(after, w, h, want, opts);
        const got = new Int32Array(w * h);
        expect(ds.resplit(after, before, beforeLabels, beforeCount, w, h, got, opts)).toBe(wantCount);
        expect(Array.from(got)).toEqual(Array.from(want));
      }
    }
  });

  it('keeps every region, renumbered alike, when nothing changed; splits all anew when everything did', () => {
    const rnd = prng(9);
    const w = 80;
    const h = 60;
    const mask = blobs(w, h, 25, rnd);
    const ds = new DistanceSplit();
    const labels = new Int32Array(w * h);
    const count = ds.split(mask, w, h, labels, opts);
    expect(count).toBeGreaterThan(5);
    const again = new Int32Array(w * h);
    expect(ds.resplit(mask, mask, labels, count, w, h, again, opts)).toBe(count);
    expect(Array.from(again)).toEqual(Array.from(labels));
    const other = blobs(w, h, 25, rnd);
    const want = new Int32Array(w * h);
    const wantCount = new DistanceSplit().split(other, w, h, want, opts);
    expect(ds.resplit(other, mask, labels, count, w, h, again, opts)).toBe(wantCount);
    expect(Array.from(again)).toEqual(Array.from(want));
  });

  it('refuses earlier labels that do not label the earlier mask', () => {
    const w = 20;
    const h = 20;
    const mask = new Uint8Array(w * h);
    for (let y = 5; y < 15; y++) for (let x = 5; x < 15; x++) mask[y * w + x] = 1;
    expect(() => new DistanceSplit().resplit(mask, mask, new Int32Array(w * h), 0, w, h, new Int32Array(w * h), opts)).toThrow(/no basin/);
  });
});
