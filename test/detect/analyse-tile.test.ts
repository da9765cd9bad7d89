import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../src/errors/index.js';
import { resolveParams } from '../../src/domain/params.js';
import { analyseTile } from '../../src/pipeline/analyse-tile.js';
import { rgbRaster } from '../../src/image/raster.js';
import { beerLambert } from '../stain/beer-lambert.js';
import { HDAB_DEFAULT } from '../../src/stain/vectors.js';

const MPP = 0.5;
// one tile alone, no slide plan to give QC its references: the detector without QC
const params = resolveParams({ qc: { enabled: false } });

/** Hand-made H-DAB tile: stroma rectangle, cells = nucleus disc (r 8 px) + DAB over a 14 px disc. */
function paintTile(w: number, h: number, cells: Array<{ x: number; y: number; dab: number }>) {
  const rgb = rgbRaster(w, h);
  const tissue = { x0: 10, y0: 10, x1: w - 10, y1: h - 10 };
  let tissuePixels = 0;
  let positive = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inTissue = x >= tissue.x0 && x < tissue.x1 && y >= tissue.y0 && y < tissue.y1;
      let hc = inTissue ? 0.1 : 0;
      let dc = 0;
      for (const c of cells) {
        const d2 = (x - c.x) ** 2 + (y - c.y) ** 2;
        if (d2 <= 14 * 14) dc = c.dab;
        if (d2 <= 8 * 8) hc = 0.6;
      }
      if (inTissue) {
        tissuePixels++;
        if (dc >= params.positiveAreaThreshold) positive++;
      }
      const [r, g, b] = beerLambert({ h: hc, dab: dc }, HDAB_DEFAULT, 255);
      const i = (y * w + x) * 3;
      rgb.data[i] = Math.round(r);
      rgb.data[i + 1] = Math.round(g);
      rgb.data[i + 2] = Math.round(b);
    }
  }
  return { rgb, tissuePixels, positive };
}

describe('analyseTile', () => {
  const cells = [
    { x: 40, y: 40, dab: 0.05 },
    { x: 100, y: 45, dab: 0.3 },
    { x: 45, y: 110, dab: 0.5 },
    { x: 110, y: 105, dab: 0.75 },
  ];
  const W = 160;
  const { rgb, tissuePixels, positive } = paintTile(W, W, cells);
  const whole = { id: 3, read: { x0: 0, y0: 0, x1: W, y1: W }, core: { x0: 0, y0: 0, x1: W, y1: W } };

  it('finds every cell at its centre (µm, level 0) with its grade and compartment means', () => {
    const r = analyseTile(rgb, whole, { mpp: MPP, stain: HDAB_DEFAULT, params });
    expect(r.tileId).toBe(3);
    expect(r.detections).toHaveLength(4);
    for (const c of cells) {
      const d = r.detections.find((q) => Math.hypot(q.x - c.x * MPP, q.y - c.y * MPP) < 0.25);
      expect(d, `cell at ${c.x},${c.y}`).toBeDefined();
      expect(d!.dabNucleus).toBeCloseTo(c.dab, 1);
      expect(Math.abs(d!.dabCell - c.dab)).toBeLessThan(0.02);
      expect(Math.abs(d!.hematoxylinOd - 0.6)).toBeLessThan(0.05);
      // π·(8 px)² · 0.25 µm²/px = 50 µm²
      expect(d!.nucleusAreaUm2).toBeGreaterThan(45);
      expect(d!.nucleusAreaUm2).toBeLessThan(56);
      expect(d!.cellAreaUm2).toBeGreaterThan(d!.nucleusAreaUm2);
    }
    expect(r.detections.map((d) => d.grade).sort()).toEqual([0, 1, 2, 3]);
  });

  it('counts tissue, DAB-positive and graded pixels over the core', () => {
    const r = analyseTile(rgb, whole, { mpp: MPP, stain: HDAB_DEFAULT, params });
    expect(r.tissuePixels).toBe(tissuePixels);
    expect(r.dabPositivePixels).toBe(positive);
    const discPx = r.pixelGradeCounts[3];
    // the 3+ cell's DAB disc: π·14² ≈ 616 px
    expect(discPx).toBeGreaterThan(590);
    expect(discPx).toBeLessThan(640);
    expect(r.pixelGradeCounts.reduce((a, b) => a + b, 0)).toBe(r.tissuePixels);
  });

  it('keeps only detections whose centroid lies in the half-open core, offset by the read origin', () => {
    // The same pixels read as if they sat at (1000, 2000) of the level; core = right half.
    const tile = { id: 7, read: { x0: 1000, y0: 2000, x1: 1000 + W, y1: 2000 + W }, core: { x0: 1080, y0: 2000, x1: 1000 + W, y1: 2000 + W } };
    const r = analyseTile(rgb, tile, { mpp: MPP, stain: HDAB_DEFAULT, params });
    expect(r.detections.map((d) => [Math.round(d.x * 10) / 10, Math.round(d.y * 10) / 10]).sort()).toEqual([
      [550, 1022.5],
      [555, 1052.5],
    ]);
    // Core x ∈ [80, 160): the tissue rectangle spans x 10..149 there, y 10..149.
    expect(r.tissuePixels).toBe(70 * 140);
  });

  it('is deterministic', () => {
    const a = analyseTile(rgb, whole, { mpp: MPP, stain: HDAB_DEFAULT, params });
    const b = analyseTile(rgb, whole, { mpp: MPP, stain: HDAB_DEFAULT, params });
    expect(b).toEqual(a);
  });

  it('rejects a raster that does not match the read rectangle, or a core outside it', () => {
    const bad = { id: 1, read: { x0: 0, y0: 0, x1: W + 1, y1: W }, core: { x0: 0, y0: 0, x1: W, y1: W } };
    expect(() => analyseTile(rgb, bad, { mpp: MPP, stain: HDAB_DEFAULT, params })).toThrow(AnalysisError);
    expect(() => analyseTile(rgb, bad, { mpp: MPP, stain: HDAB_DEFAULT, params })).toThrow(/tile 1 .*161x160/);
    const outside = { id: 2, read: whole.read, core: { x0: 0, y0: 0, x1: W + 5, y1: W } };
    expect(() => analyseTile(rgb, outside, { mpp: MPP, stain: HDAB_DEFAULT, params })).toThrow(/core .* inside the read/);
    expect(() => analyseTile(rgb, whole, { mpp: 0, stain: HDAB_DEFAULT, params })).toThrow(/pixel size/);
  });
});
