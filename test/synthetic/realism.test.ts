import { describe, expect, it } from 'vitest';
import { rgbRaster } from '../../src/image/raster.js';
import { GroundTruth } from '../../src/synthetic/truth.js';
import { renderPlanted, renderRegion } from '../../src/synthetic/render.js';
import { makeScene, type SceneOptionsInput } from '../../src/synthetic/scene.js';
import { truthOf } from '../../src/synthetic/truth-of.js';
import { plantRegion, plantedBuffers } from '../../src/synthetic/planted.js';
import { drawLabRealism, labCellOptions, type TruthArtefact } from '../../src/synthetic/realism/index.js';
import { HDAB_DEFAULT, angleDeg, cross, dot, normalize } from '../../src/stain/vectors.js';
import { depthInArtefact, laplacianVariance, od } from './realism-helpers.js';

const W = 600;
const H = 500;
const MPP = 0.5;
/** a whole-field section: every artefact lies over tissue */
const base = (seed: number, extra: Partial<SceneOptionsInput> = {}): SceneOptionsInput => ({ seed, width: W, height: H, mpp: MPP, tissueFraction: 1, blurSigma: 0.8, noiseSigma: 2, i0: 240, ...extra });

function renderBoth(opts: SceneOptionsInput) {
  const clean = makeScene({ ...opts, realism: undefined });
  const real = makeScene(opts);
  return { clean, real, a: renderRegion(clean, 0, 0, W, H), b: renderRegion(real, 0, 0, W, H), truth: truthOf(real) };
}

function ofType(truth: GroundTruth, type: TruthArtefact['type']): TruthArtefact[] {
  return truth.realism!.artefacts.filter((a) => a.type === type);
}

describe('realism: illumination', () => {
  // blank glass: nothing planted, so every pixel is I0 times the field
  const blank = (seed: number, realism: SceneOptionsInput['realism']) => {
    const s = makeScene({ seed, width: 400, height: 300, i0: 220, noiseSigma: 0, realism });
    const img = renderPlanted(s, (_x, _y, w, h, buf) => {
      buf.h.fill(0, 0, w * h);
      buf.dab.fill(0, 0, w * h);
      return buf;
    }, 0, 0, s.width, s.height);
    return { s, img, at: (x: number, y: number) => img.data[3 * (y * s.width + x) + 1] };
  };

  it('a gradient of ±6 % measured on blank glass spans ±6 % across the image', () => {
    const { img, s } = blank(3, { gradient: 0.06 });
    let lo = 255, hi = 0;
    for (let p = 0; p < s.width * s.height; p++) {
      lo = Math.min(lo, img.data[3 * p + 1]);
      hi = Math.max(hi, img.data[3 * p + 1]);
    }
    expect(lo).toBeGreaterThanOrEqual(Math.round(220 * 0.94) - 1);
    expect(hi).toBeLessThanOrEqual(Math.round(220 * 1.06) + 1);
    expect((hi - lo) / (hi + lo)).toBeCloseTo(0.06, 2);
  });

  it('vignetting darkens the corners by the requested fraction, the centre not at all', () => {
    const { s, at } = blank(4, { vignette: 0.05 });
    expect(Math.abs(at(s.width >> 1, s.height >> 1) - 220)).toBeLessThanOrEqual(1);
    for (const [x, y] of [[0, 0], [s.width - 1, 0], [0, s.height - 1], [s.width - 1, s.height - 1]]) expect(Math.abs(at(x, y) - 220 * 0.95)).toBeLessThanOrEqual(1);
  });

  it("'random' amplitudes stay within ±6 %, are drawn from the seed and recorded in the truth", () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 8; seed++) {
      const { s, img } = blank(seed, { gradient: 'random', vignette: 'random' });
      const t = truthOf(s).realism!.illumination;
      expect(t.gradient).toBeGreaterThanOrEqual(0);
      expect(t.gradient).toBeLessThanOrEqual(0.06);
      expect(t.vignette).toBeLessThanOrEqual(0.06);
      seen.add(t.gradient);
      let lo = 255, hi = 0;
      for (let p = 0; p < s.width * s.height; p++) {
        lo = Math.min(lo, img.data[3 * p + 1]);
        hi = Math.max(hi, img.data[3 * p + 1]);
      }
      // the field is at most (1 + g)·1 and at least (1 − g)(1 − v)
      expect(hi).toBeLessThanOrEqual(Math.round(220 * (1 + t.gradient)) + 1);
      expect(lo).toBeGreaterThanOrEqual(Math.round(220 * (1 - t.gradient) * (1 - t.vignette)) - 1);
      expect((hi - lo) / 220).toBeGreaterThan(t.gradient);
    }
    expect(seen.size).toBe(8);
  });
});

describe('realism: artefacts change pixels only where the truth geometry says', () => {
  it('with nothing turned on, the realism path renders the clean slide exactly', () => {
    const { a, b, clean, truth } = renderBoth(base(21, { tissueFraction: 0.6, realism: {} }));
    expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data))).toBe(0);
    expect(truth.tissuePixels).toBe(truthOf(clean).tissuePixels);
    expect(truth.realism!.artefacts).toEqual([]);
  });

  it('every artefact changes pixels inside its geometry and none outside it (blur margin aside)', () => {
    const { a, b, truth } = renderBoth(base(22, { realism: { artefacts: { focus: 1, fold: 1, pen: 1, bubble: 2 } } }));
    const arts = truth.realism!.artefacts;
    expect(arts.map((x) => x.type).sort()).toEqual(['bubble', 'bubble', 'focus', 'fold', 'pen']);
    // 3σ of the optics plus a pixel, in µm
    const margin = (Math.ceil(3 * 0.8) + 1) * MPP;
    const changedInside = new Map<TruthArtefact, [number, number]>(arts.map((x) => [x, [0, 0]]));
    let strayChanges = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const p = y * W + x;
        const changed = a.data[3 * p] !== b.data[3 * p] || a.data[3 * p + 1] !== b.data[3 * p + 1] || a.data[3 * p + 2] !== b.data[3 * p + 2];
        const ux = x * MPP, uy = y * MPP;
        let near = false;
        for (const art of arts) {
          const d = depthInArtefact(art, ux, uy, true);
          if (d > -margin) near = true;
          if (depthInArtefact(art, ux, uy) > margin) {
            const c = changedInside.get(art)!;
            c[1]++;
            if (changed) c[0]++;
          }
        }
        if (changed && !near) strayChanges++;
      }
    }
    expect(strayChanges).toBe(0);
    for (const [art, [changed, n]] of changedInside) {
      expect(n, `${art.type} ${art.id} lies in the image`).toBeGreaterThan(100);
      expect(changed / n, `${art.type} ${art.id} is visible`).toBeGreaterThan(0.6);
    }
  });

  it('a fold doubles the optical density of the tissue under it and keeps it tissue', () => {
    const { a, b, clean, truth } = renderBoth(base(23, { realism: { artefacts: { fold: 1 } } }));
    const [fold] = ofType(truth, 'fold');
    let odIn = 0, odOut = 0, n = 0;
    for (let p = 0; p < W * H; p++) {
      if (depthInArtefact(fold, (p % W) * MPP, Math.floor(p / W) * MPP) < 2) continue;
      odIn += od(b, p, 240);
      odOut += od(a, p, 240);
      n++;
    }
    expect(n).toBeGreaterThan(1000);
    expect(odIn / odOut).toBeGreaterThan(fold.factor! - 0.25);
    expect(odIn / odOut).toBeLessThan(fold.factor! + 0.25);
    expect(fold.factor!).toBeGreaterThan(1.7);
    // folds are tissue: area unchanged, and the fold's tissue area is its whole area here
    expect(truth.tissuePixels).toBe(truthOf(clean).tissuePixels);
    expect(truth.realism!.artefactTissueAreaUm2.fold).toBeCloseTo(fold.areaUm2, 1);
    expect(fold.over).toBe('tissue');
  });

  it('pen ink lies outside the H-DAB plane; stained tissue lies in it', () => {
    for (const seed of [24, 25, 26, 27]) {
      const { b, real, truth } = renderBoth(base(seed, { realism: { artefacts: { pen: 1 } } }));
      const [pen] = ofType(truth, 'pen');
      const n = normalize(cross(real.stain.hematoxylin, real.stain.dab));
      const offPlane = (p: number): number => {
        const v = [0, 1, 2].map((c) => -Math.log10(Math.max(1, b.data[3 * p + c]) / 240)) as [number, number, number];
        return Math.abs(dot(v, n)) / Math.hypot(...v);
      };
      const inPen: number[] = [];
      const tissue: number[] = [];
      for (let p = 0; p < W * H; p++) {
        const d = depthInArtefact(pen, (p % W) * MPP, Math.floor(p / W) * MPP);
        if (d > 2) inPen.push(offPlane(p));
        else if (d < -3 && od(b, p, 240) > 0.6) tissue.push(offPlane(p));
      }
      const median = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1];
      expect(inPen.length).toBeGreaterThan(500);
      expect(median(inPen), `${pen.colour} ink`).toBeGreaterThan(0.12);
      expect(median(tissue)).toBeLessThan(0.05);
    }
  });

  it('a bubble has a dark sharp rim and a flat, texture-free interior', () => {
    const { b, truth } = renderBoth(base(28, { noiseSigma: 0, realism: { artefacts: { bubble: 1 } } }));
    const [bubble] = ofType(truth, 'bubble');
    const rimUm = 1.5;
    let s = 0, s2 = 0, n = 0, rim = 0, nr = 0, out = 0, no = 0;
    for (let p = 0; p < W * H; p++) {
      const d = depthInArtefact(bubble, (p % W) * MPP, Math.floor(p / W) * MPP);
      const g = b.data[3 * p + 1];
      if (d > 3 * rimUm + 2) {
        s += g;
        s2 += g * g;
        n++;
      } else if (d > 0.3 && d < rimUm - 0.3) {
        rim += g;
        nr++;
      } else if (d < -2) {
        out += g;
        no++;
      }
    }
    expect(n).toBeGreaterThan(300);
    const mean = s / n;
    expect(Math.sqrt(s2 / n - mean * mean)).toBeLessThan(1);
    expect(rim / nr).toBeLessThan(mean - 40);
    expect(out / no).toBeLessThan(mean + 5);
    expect(bubble.over).toBe('tissue');
  });

  it('an out-of-focus patch has far lower Laplacian energy than the same tissue in focus', () => {
    // no sensor noise: its Laplacian is the same in focus or not and would only dilute the contrast
    const { a, b, truth } = renderBoth(base(29, { noiseSigma: 0, realism: { artefacts: { focus: 1 } } }));
    const [focus] = ofType(truth, 'focus');
    const inside = (x: number, y: number) => depthInArtefact(focus, x * MPP, y * MPP) > 2;
    const outside = (x: number, y: number) => depthInArtefact(focus, x * MPP, y * MPP, true) < -2;
    expect(laplacianVariance(b, inside)).toBeLessThan(0.25 * laplacianVariance(a, inside));
    expect(laplacianVariance(b, outside)).toBe(laplacianVariance(a, outside));
  });

  it('bubbles and pens over glass are recorded as such, with no tissue area', () => {
    let overGlass = 0;
    for (let seed = 40; seed < 52 && overGlass === 0; seed++) {
      const s = makeScene({ seed, width: 500, height: 400, tissueFraction: 0.3, realism: { artefacts: { bubble: 2, pen: 1 } } });
      const t = truthOf(s).realism!;
      for (const art of t.artefacts) {
        if (art.over !== 'glass') continue;
        overGlass++;
        expect(art.tissueAreaUm2).toBeLessThan(art.areaUm2 / 2);
      }
      const byType = (ty: string) => t.artefacts.filter((x) => x.type === ty).reduce((acc, x) => acc + x.tissueAreaUm2, 0);
      // a union never exceeds the sum of its parts
      expect(t.artefactTissueAreaUm2.bubble).toBeLessThanOrEqual(byType('bubble') + 1e-6);
    }
    expect(overGlass).toBeGreaterThan(0);
  });

  it('renders any sub-rectangle exactly as the crop of the whole, with every artefact and the light on', () => {
    const s = makeScene({ ...base(30, { tissueFraction: 0.7 }), realism: { gradient: 0.06, vignette: 0.04, artefacts: { focus: 2, fold: 1, pen: 1, bubble: 2 } } });
    const whole = renderRegion(s, 0, 0, W, H);
    for (const [x0, y0, w, h] of [[0, 0, 100, 90], [137, 61, 150, 170], [480, 380, 120, 120], [0, 250, 600, 7], [250, 0, 9, 500]]) {
      const part = renderRegion(s, x0, y0, w, h, undefined, rgbRaster(w, h));
      let diff = 0;
      for (let y = 0; y < h; y++) for (let x = 0; x < w * 3; x++) if (part.data[y * w * 3 + x] !== whole.data[((y0 + y) * W + x0) * 3 + x]) diff++;
      expect(diff, `rect ${x0},${y0} ${w}x${h}`).toBe(0);
    }
  });
});

describe('realism: whole fields, stain drift, lab draws', () => {
  it('a cell scene can fill the whole field, stained or with no DAB-positive staining at all', () => {
    const s = makeScene({ seed: 31, width: 300, height: 300, tissueFraction: 1, fractionPositive: 0, patchesPerMm2: 0 });
    const t = truthOf(s);
    expect(t.tissuePixels).toBe(300 * 300);
    const buf = plantedBuffers(300 * 300);
    plantRegion(s, 0, 0, 300, 300, buf);
    expect(Math.max(...buf.dab)).toBeLessThan(0.2);
    expect(t.scores.pctPositive).toBe(0);
    expect(t.scores.pctPositiveArea).toBe(0);
  });

  it('stain vectors drift up to the requested 10° and the truth holds the drifted vectors', () => {
    let largest = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const s = makeScene({ seed, width: 128, height: 128, stainJitterDeg: 10 });
      const t = truthOf(s);
      expect(t.stain.hematoxylin).toEqual([...s.stain.hematoxylin]);
      expect(t.stain.dab).toEqual([...s.stain.dab]);
      const a = Math.max(angleDeg(s.stain.hematoxylin, HDAB_DEFAULT.hematoxylin), angleDeg(s.stain.dab, HDAB_DEFAULT.dab));
      expect(a).toBeLessThanOrEqual(10.01);
      largest = Math.max(largest, a);
    }
    expect(largest).toBeGreaterThan(6);
  });

  it('ice-crystal artefact is refused for cell scenes with a clear error', () => {
    expect(() => makeScene({ seed: 1, width: 128, height: 128, realism: { artefacts: { ice: 1 } } })).toThrow(/ice.*muscle/);
    expect(() => makeScene({ seed: 1, width: 128, height: 128, realism: { gradient: 0.5 } })).toThrow(/realism\.gradient/);
  });

  it('lab-realism draws stay in the issue’s ranges, vary, and are reproducible', () => {
    const draws = Array.from({ length: 60 }, (_, i) => drawLabRealism(1000 + i, 'cells'));
    expect(drawLabRealism(1000, 'cells')).toEqual(draws[0]);
    for (const d of draws) {
      expect(d.realism.gradient as number).toBeLessThanOrEqual(0.06);
      expect(d.realism.vignette as number).toBeLessThanOrEqual(0.06);
      expect(d.jpegQuality).toBeGreaterThanOrEqual(70);
      expect(d.jpegQuality).toBeLessThanOrEqual(90);
      expect(d.stainJitterDeg).toBeLessThanOrEqual(10);
      expect(d.realism.artefacts!.ice).toBe(0);
    }
    expect(new Set(draws.map((d) => d.wholeField)).size).toBe(2);
    expect(new Set(draws.map((d) => d.unstained)).size).toBe(2);
    for (const type of ['focus', 'fold', 'pen', 'bubble'] as const) expect(draws.some((d) => d.realism.artefacts![type] === 1), type).toBe(true);
    expect(Array.from({ length: 30 }, (_, i) => drawLabRealism(i, 'muscle')).some((d) => d.realism.artefacts!.ice === 1)).toBe(true);
    const whole = draws.find((d) => d.wholeField && d.unstained)!;
    const t = truthOf(makeScene(labCellOptions(whole, { seed: 5, width: 256, height: 256 })));
    expect(t.tissuePixels).toBe(256 * 256);
    expect(t.scores.pctPositive).toBe(0);
    expect(GroundTruth.parse(JSON.parse(JSON.stringify(t)))).toEqual(t);
  });
});
