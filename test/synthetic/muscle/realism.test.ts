import { describe, expect, it } from 'vitest';
import { rgbRaster } from '../../../src/image/raster.js';
import { makeMuscleScene, muscleTruthOf, plantMuscleRegion, renderMuscleRegion, type MuscleOptionsInput } from '../../../src/synthetic/muscle/index.js';
import { plantedBuffers } from '../../../src/synthetic/planted.js';
import { drawLabRealism, labMuscleOptions } from '../../../src/synthetic/realism/index.js';
import { inPolygon } from '../realism-helpers.js';

const W = 800;
const H = 600;
const MPP = 0.5;
const base: MuscleOptionsInput = { seed: 61, width: W, height: H, mpp: MPP, marker: 'MHC-I', i0: 240, blurSigma: 0.8, noiseSigma: 2 };

describe('muscle realism: freezing artefact', () => {
  const clean = makeMuscleScene(base);
  const iced = makeMuscleScene({ ...base, realism: { artefacts: { ice: 1 } } });
  const tc = muscleTruthOf(clean);
  const ti = muscleTruthOf(iced);
  const holes = ti.realism!.artefacts.filter((a) => a.type === 'ice');

  it('plants many small round holes, 2–8 µm across, each inside a section fibre', () => {
    expect(holes.length).toBeGreaterThan(30);
    for (const h of holes) {
      if (h.shape.kind !== 'circle') throw new Error('an ice hole is a circle');
      expect(2 * h.shape.r).toBeGreaterThanOrEqual(2);
      expect(2 * h.shape.r).toBeLessThanOrEqual(8);
      const { x, y } = h.shape;
      expect(ti.fibres.some((f) => inPolygon(f.polygon, x, y)), `hole at ${x},${y}`).toBe(true);
    }
  });

  it('holes are glass: missing tissue in the truth, near I0 in the image; fibres and cells unchanged', () => {
    const missingPx = tc.tissuePixels - ti.tissuePixels;
    expect(missingPx).toBeGreaterThan(0);
    expect(ti.realism!.artefactTissueAreaUm2.ice).toBeCloseTo(missingPx * MPP * MPP, 1);
    expect(ti.scores.tissueAreaMm2).toBeLessThan(tc.scores.tissueAreaMm2);
    expect(ti.fibres).toEqual(tc.fibres);
    expect(ti.cells).toEqual(tc.cells);
    const img = renderMuscleRegion(iced, 0, 0, W, H);
    let glass = 0, n = 0;
    for (const h of holes) {
      if (h.shape.kind !== 'circle' || h.shape.r < 1.5) continue;
      const p = Math.round(h.shape.y / MPP) * W + Math.round(h.shape.x / MPP);
      glass += (img.data[3 * p] + img.data[3 * p + 1] + img.data[3 * p + 2]) / 3;
      n++;
    }
    expect(n).toBeGreaterThan(10);
    expect(glass / n).toBeGreaterThan(240 - 6);
    // a fibre interior is darker than glass: the holes are not merely pale sarcoplasm
    const buf = plantedBuffers(W * H);
    plantMuscleRegion(iced, 0, 0, W, H, buf);
    for (const h of holes.slice(0, 20)) {
      if (h.shape.kind !== 'circle') continue;
      const p = Math.round(h.shape.y / MPP) * W + Math.round(h.shape.x / MPP);
      expect(buf.tissue[p]).toBe(0);
      expect(buf.h[p]).toBe(0);
    }
  });
});

describe('muscle realism: whole fields and regions', () => {
  it('a whole-field MHC-I-negative section is all tissue but lumens, with no positive fibre', () => {
    const s = makeMuscleScene({ ...base, seed: 62, sectionMarginUm: 0, mhcPattern: 'none' });
    const t = muscleTruthOf(s);
    const lumenUm2 = t.vessels.reduce((a, v) => a + Math.PI * (v.outerRadiusUm - v.wallUm) ** 2, 0);
    expect(t.scores.tissueAreaMm2 * 1e6).toBeGreaterThan(W * H * MPP * MPP - 1.2 * lumenUm2 - 50);
    expect(t.scores.mhcPctPositiveFibres).toBe(0);
    expect(t.scores.mhcGrade).toBe(0);
  });

  it('renders any sub-rectangle exactly as the crop of the whole with every artefact, ice and light on', () => {
    const s = makeMuscleScene({ ...base, seed: 63, sectionMarginUm: 60, realism: { gradient: 'random', vignette: 0.06, artefacts: { focus: 1, fold: 1, ice: 2, pen: 1, bubble: 2 } } });
    expect(s.realism!.ice.length).toBeGreaterThan(0);
    const whole = renderMuscleRegion(s, 0, 0, W, H);
    for (const [x0, y0, w, h] of [[0, 0, 128, 100], [211, 157, 190, 230], [650, 480, 150, 120], [0, 300, 800, 9]]) {
      const part = renderMuscleRegion(s, x0, y0, w, h, undefined, rgbRaster(w, h));
      let diff = 0;
      for (let y = 0; y < h; y++) for (let x = 0; x < w * 3; x++) if (part.data[y * w * 3 + x] !== whole.data[((y0 + y) * W + x0) * 3 + x]) diff++;
      expect(diff, `rect ${x0},${y0} ${w}x${h}`).toBe(0);
    }
  });

  it('lab-realism options make a valid muscle section whose truth records what was drawn', () => {
    const lab = drawLabRealism(7, 'muscle');
    const s = makeMuscleScene(labMuscleOptions(lab, { ...base, seed: 64 }));
    const t = muscleTruthOf(s);
    expect(t.realism!.illumination.gradient).toBeCloseTo(lab.realism.gradient as number, 5);
    expect(s.section === null).toBe(lab.wholeField);
  });
});
