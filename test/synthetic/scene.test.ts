import { describe, expect, it } from 'vitest';
import { HDAB_DEFAULT, angleDeg } from '../../src/stain/vectors.js';
import { plantRegion, plantedBuffers } from '../../src/synthetic/planted.js';
import { GRADE_MARGIN, GRADE_THRESHOLDS, POSITIVE_AREA_THRESHOLD, makeScene, type Scene } from '../../src/synthetic/scene.js';
import { truthOf } from '../../src/synthetic/truth-of.js';
import { GroundTruth, type TruthCell } from '../../src/synthetic/truth.js';

const scene: Scene = makeScene({ seed: 17, width: 1200, height: 1000 });
const truth = truthOf(scene);

/** radius of a truth nucleus ellipse (µm) in world direction phi */
function radiusAlong(c: TruthCell, phi: number): number {
  const t = phi - c.angle;
  return (c.rx * c.ry) / Math.hypot(c.ry * Math.cos(t), c.rx * Math.sin(t));
}

function gradeOf(dab: number): number {
  return dab >= GRADE_THRESHOLDS[2] ? 3 : dab >= GRADE_THRESHOLDS[1] ? 2 : dab >= GRADE_THRESHOLDS[0] ? 1 : 0;
}

describe('makeScene + truthOf', () => {
  it('produces truth that satisfies the schema and the requested setup', () => {
    expect(() => GroundTruth.parse(truth)).not.toThrow();
    expect(truth.width).toBe(1200);
    expect(truth.mpp).toBe(0.5);
    expect(truth.compartment).toBe('cell');
    expect(truth.stain.i0).toBeGreaterThanOrEqual(235);
    expect(truth.stain.i0).toBeLessThanOrEqual(252);
    // tissue ~65 % of the image, density near the requested 1000 cells/mm²
    const tissueFraction = truth.tissuePixels / (1200 * 1000);
    expect(tissueFraction).toBeGreaterThan(0.5);
    expect(tissueFraction).toBeLessThan(0.8);
    expect(truth.scores.cellsPerMm2).toBeGreaterThan(850);
    expect(truth.scores.cellsPerMm2).toBeLessThan(1150);
  });

  it('keeps every cell inside the image by its radius and inside tissue', () => {
    const buf = plantedBuffers(1);
    for (const c of truth.cells) {
      const r = c.cellRadiusUm / truth.mpp;
      const x = c.x / truth.mpp;
      const y = c.y / truth.mpp;
      // truth is rounded to 1e-4 µm
      expect(x).toBeGreaterThanOrEqual(r - 1e-3);
      expect(y).toBeGreaterThanOrEqual(r - 1e-3);
      expect(x).toBeLessThanOrEqual(truth.width - 1 - r + 1e-3);
      expect(y).toBeLessThanOrEqual(truth.height - 1 - r + 1e-3);
      plantRegion(scene, Math.round(x), Math.round(y), 1, 1, buf);
      expect(buf.tissue[0]).toBe(1);
      // nucleus pixel: hematoxylin well above the stroma counterstain (≤ 0.12)
      expect(buf.h[0]).toBeGreaterThan(0.25);
    }
  });

  it('plants nuclei 6–10 µm across with a cytoplasm of 3–5 µm', () => {
    for (const c of truth.cells) {
      expect(c.rx).toBeGreaterThanOrEqual(3);
      expect(c.rx).toBeLessThanOrEqual(5);
      expect(c.ry).toBeGreaterThanOrEqual(3);
      expect(c.ry).toBeLessThanOrEqual(5);
      const ring = c.cellRadiusUm - Math.max(c.rx, c.ry);
      expect(ring).toBeGreaterThanOrEqual(3 - 1e-3);
      expect(ring).toBeLessThanOrEqual(5 + 1e-3);
    }
  });

  it('plants ~10–15 % of nuclei in touching pairs that overlap, and keeps the others apart', () => {
    const touching = truth.cells.filter((c) => c.touching);
    const frac = touching.length / truth.cells.length;
    expect(frac).toBeGreaterThan(0.08);
    expect(frac).toBeLessThan(0.16);
    expect(touching.length % 2).toBe(0);
    for (const a of truth.cells) {
      let contacts = 0;
      for (const b of truth.cells) {
        if (a === b) continue;
        const d = Math.hypot(b.x - a.x, b.y - a.y);
        const phi = Math.atan2(b.y - a.y, b.x - a.x);
        const reach = radiusAlong(a, phi) + radiusAlong(b, phi);
        if (d < reach) {
          contacts++;
          // planted at 0.75–0.95 × the summed radii: they touch but a watershed can split them
          expect(d / reach).toBeGreaterThanOrEqual(0.75 - 1e-3);
          expect(d / reach).toBeLessThanOrEqual(0.95 + 1e-3);
        }
      }
      expect(contacts).toBe(a.touching ? 1 : 0);
    }
  });

  it('plants grades that agree with the SCIENCE.md thresholds, away from them by the margin', () => {
    for (const c of truth.cells) {
      expect(gradeOf(c.dab)).toBe(c.grade);
      for (const t of GRADE_THRESHOLDS) expect(Math.abs(c.dab - t)).toBeGreaterThanOrEqual(GRADE_MARGIN - 1e-5);
      if (c.grade === 0) expect(c.dab).toBeLessThanOrEqual(0.12);
      expect(c.dab).toBeLessThanOrEqual(0.95);
    }
    const positives = truth.cells.filter((c) => c.grade > 0).length / truth.cells.length;
    expect(positives).toBeGreaterThan(0.3);
    expect(positives).toBeLessThan(0.5);
  });

  it('reports scores that match its own cell list and tissue area', () => {
    const n = truth.cells.length;
    const g = [0, 0, 0, 0];
    for (const c of truth.cells) g[c.grade]++;
    expect(truth.tissueAreaMm2).toBeCloseTo((truth.tissuePixels * 0.25) / 1e6, 12);
    expect(truth.scores.cellsPerMm2).toBeCloseTo(n / truth.tissueAreaMm2, 9);
    expect(truth.scores.positiveCellsPerMm2).toBeCloseTo((n - g[0]) / truth.tissueAreaMm2, 9);
    expect(truth.scores.pctPositive).toBeCloseTo((100 * (n - g[0])) / n, 9);
    expect(truth.scores.hScore).toBeCloseTo((100 * (g[1] + 2 * g[2] + 3 * g[3])) / n, 9);
  });

  it('counts tissue and positive area the same in one piece as in bands', () => {
    const buf = plantedBuffers(1200 * 1000);
    plantRegion(scene, 0, 0, 1200, 1000, buf);
    let tissue = 0;
    let positive = 0;
    for (let p = 0; p < 1200 * 1000; p++) {
      if (!buf.tissue[p]) continue;
      tissue++;
      if (buf.dab[p] >= POSITIVE_AREA_THRESHOLD) positive++;
    }
    expect(tissue).toBe(truth.tissuePixels);
    expect(truth.scores.pctPositiveArea).toBeCloseTo((100 * positive) / tissue, 9);
    // positive area comes from cells and from extracellular patches; both exist
    expect(truth.scores.pctPositiveArea).toBeGreaterThan(1);
    expect(scene.patches.length).toBeGreaterThan(0);
  });

  it('jitters the stain vectors by at most the requested angle and records them', () => {
    const h = angleDeg(truth.stain.hematoxylin, HDAB_DEFAULT.hematoxylin);
    const d = angleDeg(truth.stain.dab, HDAB_DEFAULT.dab);
    expect(h).toBeLessThanOrEqual(5 + 1e-6);
    expect(d).toBeLessThanOrEqual(5 + 1e-6);
    expect(h + d).toBeGreaterThan(0.1);
    const flat = makeScene({ seed: 17, width: 256, height: 256, stainJitterDeg: 0 });
    expect(angleDeg(flat.stain.dab, HDAB_DEFAULT.dab)).toBeLessThan(1e-6);
  });

  it('puts DAB only in the graded compartment', () => {
    for (const compartment of ['nucleus', 'cytoplasm'] as const) {
      const s = makeScene({ seed: 23, width: 512, height: 512, compartment, fractionPositive: 1, gradeMix: [0, 0, 1], patchesPerMm2: 0 });
      const buf = plantedBuffers(1);
      for (const c of s.cells.slice(0, 20)) {
        if (c.touching) continue;
        plantRegion(s, Math.round(c.cx), Math.round(c.cy), 1, 1, buf);
        const centre = buf.dab[0];
        // a pixel in the ring: halfway between the nucleus edge and the cell edge along x
        const ringX = Math.round(c.cx + (Math.max(c.rx, c.ry) + c.rc) / 2);
        plantRegion(s, ringX, Math.round(c.cy), 1, 1, buf);
        const ring = buf.dab[0];
        if (compartment === 'nucleus') {
          expect(centre).toBeCloseTo(c.dab, 6);
          expect(ring).toBeLessThan(0.2);
        } else {
          expect(ring).toBeCloseTo(c.dab, 6);
          expect(centre).toBeLessThan(0.2);
        }
      }
    }
  });

  it('rejects bad options with a message naming the option', () => {
    expect(() => makeScene({ seed: 1, width: 10, height: 500 })).toThrow(/width/);
    expect(() => makeScene({ seed: 1, width: 500, height: 500, fractionPositive: 2 })).toThrow(/fractionPositive/);
  });
});
