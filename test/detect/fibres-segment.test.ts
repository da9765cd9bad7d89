import { describe, expect, it } from 'vitest';
import { segmentFibres } from '../../src/detect/fibres.js';
import { AnalysisError } from '../../src/errors/index.js';
import { floatPlane } from '../../src/image/raster.js';
import { GRID, gridScene } from './fibres-grid.js';

describe('segmentFibres on a hand-made grid', () => {
  const scene = gridScene();
  const seg = segmentFibres(scene.h, scene.dab, scene.mpp, { nuclei: scene.nuclei });
  // each truth rectangle's nearest detected fibre
  const matched = scene.fibres.map((t) => {
    const cx = t.x0 + t.w / 2;
    const cy = t.y0 + t.h / 2;
    let best = seg.fibres[0];
    for (const f of seg.fibres) if (Math.hypot(f.x - cx, f.y - cy) < Math.hypot(best.x - cx, best.y - cy)) best = f;
    return { t, f: best, off: Math.hypot(best.x - cx, best.y - cy) };
  });

  it('finds every fibre once, splitting the pair that touches through a broken wall', () => {
    expect(seg.fibres).toHaveLength(18);
    expect(new Set(matched.map((m) => m.f.id)).size).toBe(18);
    // the touching pair (15, 16) is cut by shape, not along the missing wall
    matched.forEach((m, k) => expect(m.off).toBeLessThan(k === 15 || k === 16 ? 4 : 1));
  });

  it('measures area and minimal Feret in µm', () => {
    matched.forEach(({ t, f }, k) => {
      // fascicle 2, row 2, columns 0 and 1 touch: the watershed cut need not sit on the old wall
      const touching = k === 15 || k === 16;
      // the threshold contour lies within ~0.5 µm of the rectangle's edge; fibre 0's peripheral
      // nucleus notches it
      expect(Math.abs(f.areaUm2 - t.w * t.h) / (t.w * t.h)).toBeLessThan(touching ? 0.1 : k === 0 ? 0.08 : 0.05);
      expect(f.minFeretUm).toBeGreaterThan(t.h * 0.95);
      expect(f.minFeretUm).toBeLessThan(t.h * 1.05);
    });
  });

  it('measures ring and interior DAB where planted', () => {
    for (const { t, f } of matched) {
      if (t.ring) {
        // a 3 µm band at 0.3 OD, averaged over the 4 µm ring (3 in, 1 out) measured from an edge ~0.5 µm out
        expect(f.ringDab).toBeGreaterThan(0.15);
        expect(f.interiorDab).toBeLessThan(0.02);
      } else if (t.interior) {
        expect(f.interiorDab).toBeCloseTo(t.interior, 2);
        // stained to its edge: the ring's outer micrometre is unstained endomysium
        expect(f.ringDab).toBeGreaterThan(0.15);
      } else {
        expect(f.ringDab).toBe(0);
        expect(f.interiorDab).toBe(0);
      }
    }
  });

  it('groups fascicles across the 20 µm septum and flags their edges', () => {
    expect(seg.fascicles).toHaveLength(2);
    expect(seg.fascicles.map((f) => f.fibres)).toEqual([9, 9]);
    const fascOf = new Map<number, number>();
    for (const { t, f } of matched) {
      expect(f.perifascicular).toBe(t.edge);
      if (!fascOf.has(t.fascicle)) fascOf.set(t.fascicle, f.fascicle);
      expect(f.fascicle).toBe(fascOf.get(t.fascicle));
    }
  });

  it('counts internal and peripheral nuclei', () => {
    const first = matched[0].f;
    expect(first.internalNuclei).toBe(1);
    expect(first.peripheralNuclei).toBe(1);
    const others = seg.fibres.filter((f) => f.id !== first.id);
    expect(others.reduce((a, f) => a + f.internalNuclei + f.peripheralNuclei, 0)).toBe(0);
  });

  it('labels each fibre with its id and leaves connective tissue 0', () => {
    const w = scene.h.width;
    for (const { t, f } of matched) {
      const x = Math.round((t.x0 + 10) / scene.mpp);
      const y = Math.round((t.y0 + 10) / scene.mpp);
      expect(seg.labels[y * w + x]).toBe(f.id);
    }
    const septumX = Math.round((GRID.margin + 3 * GRID.fibreW + 4 * GRID.gap + GRID.septum / 2) / scene.mpp);
    expect(seg.labels[Math.round(60 / scene.mpp) * w + septumX]).toBe(0);
  });

  it('rejects mismatched planes and bad pixel sizes with an AnalysisError', () => {
    expect(() => segmentFibres(floatPlane(4, 4), floatPlane(5, 4), 0.5)).toThrow(AnalysisError);
    expect(() => segmentFibres(floatPlane(4, 4), floatPlane(4, 4), 0)).toThrow(/pixel size/);
  });

  it('keeps a stained fibre when DAB leaks into the hematoxylin plane, and measures the leak', () => {
    // stain vectors a few degrees off: H reads 0.1 OD per OD of DAB, so the 0.3 OD sarcoplasm
    // sits at 0.075, above the 0.07 boundary a plain threshold would use
    const leaky = gridScene();
    for (let i = 0; i < leaky.h.data.length; i++) leaky.h.data[i] += 0.1 * leaky.dab.data[i];
    const plain = segmentFibres(leaky.h, leaky.dab, leaky.mpp, { dabCrosstalk: 0 });
    const fixed = segmentFibres(leaky.h, leaky.dab, leaky.mpp);
    expect(plain.fibres.length).toBeLessThan(18);
    expect(fixed.fibres).toHaveLength(18);
    expect(fixed.crosstalk).toBeGreaterThan(0.07);
    expect(fixed.crosstalk).toBeLessThan(0.13);
    const sarco = leaky.fibres[9];
    const f = fixed.fibres.find((q) => Math.hypot(q.x - (sarco.x0 + sarco.w / 2), q.y - (sarco.y0 + sarco.h / 2)) < 1);
    expect(f?.interiorDab).toBeCloseTo(0.3, 2);
  });
});
