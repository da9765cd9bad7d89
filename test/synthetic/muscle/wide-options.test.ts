import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isInflammatory } from '../../../src/synthetic/muscle/cells.js';
import { plantMuscleInto, musclePlantedBuffers } from '../../../src/synthetic/muscle/planted.js';
import { signedArea, type Point } from '../../../src/synthetic/muscle/polygon.js';
import { renderMuscleRegion } from '../../../src/synthetic/muscle/render.js';
import { makeMuscleScene } from '../../../src/synthetic/muscle/scene.js';
import { fibreAt } from '../../../src/synthetic/muscle/tissue.js';
import { muscleTruthOf } from '../../../src/synthetic/muscle/truth-of.js';
import type { MuscleOptionsInput } from '../../../src/synthetic/muscle/options.js';

// Issue 18: the generator's widening options. Off, they draw nothing (the golden and held-out
// pins elsewhere hold that); on, they plant what they say.
const base: MuscleOptionsInput = { seed: 11, width: 1200, height: 1200, marker: 'CD163' };

const hash = (o: MuscleOptionsInput): string => {
  const s = makeMuscleScene(o);
  return createHash('sha256').update(renderMuscleRegion(s, 0, 0, s.width, s.height).data).update(JSON.stringify(muscleTruthOf(s))).digest('hex');
};

function convex(poly: readonly (readonly [number, number])[]): boolean {
  const sign = Math.sign(signedArea(poly as Point[]));
  for (let i = 0; i < poly.length; i++) {
    const [a, b, c] = [poly[i], poly[(i + 1) % poly.length], poly[(i + 2) % poly.length]];
    const cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
    if (cross * sign < -1e-6) return false;
  }
  return true;
}

describe('synthetic muscle: issue 18 widening options', () => {
  it('options at their off values give the same slide as leaving them out', () => {
    expect(hash({ ...base, fibreSizeSpread: 0, atrophyFraction: 0, necroticFraction: 0, cellIndentUm: 0, sectionShape: 'rect' })).toBe(hash(base));
  });

  it('atrophy and size spread: fibres from ~10 µm to several times the median, all convex', () => {
    const t = muscleTruthOf(makeMuscleScene({ ...base, fibreSpacingUm: 70, fibreSizeSpread: 0.25, atrophyFraction: 0.2, atrophyScale: [0.2, 0.5] }));
    const f = t.fibres.map((x) => x.minFeretUm).sort((a, b) => a - b);
    expect(f[0]).toBeGreaterThanOrEqual(7.9);
    expect(f[0]).toBeLessThan(14);
    expect(f[f.length - 1] / f[f.length >> 1]).toBeGreaterThan(1.5);
    for (const x of t.fibres) expect(convex(x.polygon), `fibre ${x.id}`).toBe(true);
  });

  it('perifascicular atrophy: fibres on a septum are smaller than those inside', () => {
    const t = muscleTruthOf(makeMuscleScene({ ...base, fascicleSpacingUm: 300, perifascicularAtrophy: [0.4, 0.6] }));
    const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;
    const peri = mean(t.fibres.filter((x) => x.perifascicular && !x.touchesEdge).map((x) => x.areaUm2));
    const inner = mean(t.fibres.filter((x) => !x.perifascicular && !x.touchesEdge).map((x) => x.areaUm2));
    expect(peri / inner).toBeLessThan(0.5);
  });

  it('rounded fibres: more vertices, convex, and a little less area than their polygons', () => {
    const plain = muscleTruthOf(makeMuscleScene(base));
    const round = muscleTruthOf(makeMuscleScene({ ...base, fibreRoundness: [0.3, 0.6] }));
    expect(round.fibres.length).toBe(plain.fibres.length);
    const byId = new Map(plain.fibres.map((f) => [f.id, f]));
    for (const f of round.fibres) {
      expect(f.polygon.length).toBeGreaterThan(byId.get(f.id)!.polygon.length);
      expect(convex(f.polygon)).toBe(true);
      const ratio = f.areaUm2 / byId.get(f.id)!.areaUm2;
      expect(ratio).toBeGreaterThan(0.75);
      expect(ratio).toBeLessThan(1);
    }
  });

  it('necrotic fibres hold 3–6 macrophages inside them, endomysial, none of them in a planted cluster', () => {
    const s = makeMuscleScene({ ...base, necroticFraction: 0.05, clusters: 0 });
    const necrotic = s.tissue.fibres.filter((f) => f.necrotic);
    expect(necrotic.length).toBeGreaterThan(2);
    let inside = 0;
    for (const f of necrotic) {
      const mine = s.cells.filter((c) => c.kind === 'macrophage' && fibreAt(s.tissue, c.x, c.y).id === f.id && fibreAt(s.tissue, c.x, c.y).depth * s.mpp >= 3);
      expect(mine.length).toBeLessThanOrEqual(6);
      inside += mine.length;
      for (const c of mine) expect(c.location === 'endomysial' || c.location === 'perivascular').toBe(true);
    }
    expect(inside).toBeGreaterThanOrEqual(3 * necrotic.length * 0.8);
    // pale sarcoplasm
    const h = (id: number) => s.fibreStain[id].hBase;
    expect(Math.max(...necrotic.map((f) => h(f.id)))).toBeLessThan(0.031);
  });

  it('cells indent fibres: some endomysial inflammatory cells sit inside a fibre outline, none deeper than asked', () => {
    const s = makeMuscleScene({ ...base, cellIndentUm: 5, locationWeights: [1, 0, 0] });
    const depths = s.cells.filter((c) => isInflammatory(c.kind) && c.clusterId === null).map((c) => fibreAt(s.tissue, c.x, c.y).depth * s.mpp);
    expect(depths.filter((d) => d > 1).length).toBeGreaterThan(5);
    expect(Math.max(...depths)).toBeLessThanOrEqual(5 + 1e-9);
  });

  it('vessel sizes, fibre and connective levels follow their options', () => {
    const s = makeMuscleScene({ ...base, septumUm: [40, 80], vesselsPerMm2: 20, vesselRadiusUm: [20, 30], fibreHOd: [0.07, 0.08], connectiveHOd: [0.1, 0.12] });
    expect(s.tissue.vessels.length).toBeGreaterThan(0);
    for (const v of s.tissue.vessels) {
      expect(v.r * s.mpp).toBeGreaterThanOrEqual(20);
      expect(v.r * s.mpp).toBeLessThanOrEqual(30);
    }
    for (const st of s.fibreStain) expect(st.hBase).toBeGreaterThanOrEqual(0.07), expect(st.hBase).toBeLessThanOrEqual(0.08);
    for (const h of s.vesselH) expect(h).toBeGreaterThanOrEqual(0.16);
  });

  it('a round section: glass outside the inscribed ellipse apart from whole fibres crossing it', () => {
    const s = makeMuscleScene({ ...base, sectionMarginUm: 60, sectionShape: 'round' });
    const buf = musclePlantedBuffers(s.width * s.height);
    plantMuscleInto(s, 0, 0, s.width, s.height, buf);
    const c = s.width / 2;
    const r = c - 60 / s.mpp;
    let corners = 0;
    let inner = 0;
    let innerTissue = 0;
    for (let y = 0; y < s.height; y += 4) {
      for (let x = 0; x < s.width; x += 4) {
        const d = Math.hypot(x - c, y - c);
        const p = y * s.width + x;
        if (d > r + 120) corners += buf.tissue[p];
        if (d < r - 120) [inner, innerTissue] = [inner + 1, innerTissue + buf.tissue[p]];
      }
    }
    expect(corners).toBe(0);
    expect(innerTissue / inner).toBeGreaterThan(0.97);
    // every kept fibre's centroid inside the ellipse
    for (const f of muscleTruthOf(s).fibres) expect(Math.hypot(f.centroid[0] / s.mpp - c, f.centroid[1] / s.mpp - c)).toBeLessThan(r);
  });
});
