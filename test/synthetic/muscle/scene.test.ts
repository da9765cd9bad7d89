import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLUSTER_LINK_UM, CLUSTER_MIN_CELLS, PERIVASCULAR_UM, isInflammatory } from '../../../src/synthetic/muscle/cells.js';
import { plantMuscleInto, musclePlantedBuffers } from '../../../src/synthetic/muscle/planted.js';
import { minFeret, area } from '../../../src/synthetic/muscle/polygon.js';
import { renderMuscleRegion } from '../../../src/synthetic/muscle/render.js';
import { makeMuscleScene, type MuscleScene } from '../../../src/synthetic/muscle/scene.js';
import { septumDepth } from '../../../src/synthetic/muscle/tissue.js';
import { muscleTruthOf } from '../../../src/synthetic/muscle/truth-of.js';
import { mhcGradeOf, type MuscleGroundTruth } from '../../../src/synthetic/muscle/truth.js';
import type { MuscleOptionsInput } from '../../../src/synthetic/muscle/options.js';

function fingerprint(opts: MuscleOptionsInput): { pixels: string; truth: string } {
  const s = makeMuscleScene(opts);
  const r = renderMuscleRegion(s, 0, 0, s.width, s.height);
  return {
    pixels: createHash('sha256').update(r.data).digest('hex'),
    truth: createHash('sha256').update(JSON.stringify(muscleTruthOf(s))).digest('hex'),
  };
}

/** Single-linkage components (brute force) of the inflammatory cells at the cluster link distance. */
function linkComponents(t: MuscleGroundTruth): number[][] {
  const cells = t.cells.filter((c) => c.kind === 'infiltrate' || c.kind === 'macrophage');
  const parent = cells.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < cells.length; i++) {
    for (let j = i + 1; j < cells.length; j++) {
      if (Math.hypot(cells[i].x - cells[j].x, cells[i].y - cells[j].y) <= CLUSTER_LINK_UM) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, number[]>();
  cells.forEach((c, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), c.id]));
  return [...groups.values()];
}

const big = (seed: number, extra: Partial<MuscleOptionsInput> = {}): MuscleScene => makeMuscleScene({ seed, width: 2048, height: 2048, ...extra });

describe('synthetic muscle scene', () => {
  it('is deterministic: same seed → identical pixels and truth, other seed → different', () => {
    const a = fingerprint({ seed: 11, width: 512, height: 448 });
    const b = fingerprint({ seed: 11, width: 512, height: 448 });
    const c = fingerprint({ seed: 12, width: 512, height: 448 });
    expect(b).toEqual(a);
    expect(c.pixels).not.toBe(a.pixels);
    expect(c.truth).not.toBe(a.truth);
  });

  it('renders any sub-rectangle exactly as the crop of the whole image', () => {
    const s = makeMuscleScene({ seed: 13, width: 700, height: 600, marker: 'CD163', vesselsPerMm2: 20 });
    const whole = renderMuscleRegion(s, 0, 0, s.width, s.height);
    for (const [x0, y0, w, h] of [[0, 0, 128, 100], [211, 97, 260, 230], [560, 470, 140, 130], [0, 300, 700, 5]]) {
      const part = renderMuscleRegion(s, x0, y0, w, h);
      let diff = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w * 3; x++) if (part.data[y * w * 3 + x] !== whole.data[((y0 + y) * s.width + x0) * 3 + x]) diff++;
      }
      expect(diff, `rect ${x0},${y0} ${w}x${h}`).toBe(0);
    }
  });

  it('gives serial sections: the same seed under another marker has the same tissue and cells', () => {
    const a = muscleTruthOf(makeMuscleScene({ seed: 14, width: 600, height: 600, marker: 'MHC-I', mhcPattern: 'diffuse' }));
    const b = muscleTruthOf(makeMuscleScene({ seed: 14, width: 600, height: 600, marker: 'CD163' }));
    expect(b.fibres.map((f) => f.polygon)).toEqual(a.fibres.map((f) => f.polygon));
    expect(b.cells.map((c) => [c.x, c.y, c.kind])).toEqual(a.cells.map((c) => [c.x, c.y, c.kind]));
    expect(a.scores.mhcPctPositiveFibres).toBeGreaterThan(0);
    expect(b.scores.mhcPctPositiveFibres).toBe(0);
    expect(b.cells.filter((c) => c.dabPositive).every((c) => c.kind === 'macrophage')).toBe(true);
  });

  it('plants fibres whose polygons, areas and min Feret agree with the geometry and the brief', () => {
    const s = big(21);
    const t = muscleTruthOf(s);
    expect(t.fibres.length).toBeGreaterThan(150);
    for (const f of t.fibres) {
      expect(f.areaUm2).toBeCloseTo(area(f.polygon), 1);
      expect(f.minFeretUm).toBeCloseTo(minFeret(f.polygon), 3);
    }
    // brute-force width on a few fibres: the projection on 36 000 directions
    for (const f of t.fibres.slice(0, 5)) {
      let brute = Infinity;
      for (let k = 0; k < 36_000; k++) {
        const a = (Math.PI * k) / 36_000;
        const proj = f.polygon.map(([x, y]) => x * Math.cos(a) + y * Math.sin(a));
        brute = Math.min(brute, Math.max(...proj) - Math.min(...proj));
      }
      expect(Math.abs(brute - f.minFeretUm)).toBeLessThan(0.01);
    }
    // whole fibres: min Feret mostly 35–75 µm (septum-cut ones at the fascicle edge are smaller)
    const inner = t.fibres.filter((f) => !f.touchesEdge && !f.perifascicular).map((f) => f.minFeretUm).sort((a, b) => a - b);
    const q = (p: number): number => inner[Math.floor(p * (inner.length - 1))];
    expect(q(0.1)).toBeGreaterThan(35);
    expect(q(0.9)).toBeLessThan(75);
    // the planted fibre label map holds each polygon (pixel centres inside it)
    const buf = musclePlantedBuffers(s.width * s.height);
    plantMuscleInto(s, 0, 0, s.width, s.height, buf);
    const counts = new Map<number, number>();
    for (const id of buf.fibre) if (id >= 0) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const f of t.fibres) {
      const pxArea = (counts.get(f.id) ?? 0) * s.mpp * s.mpp;
      expect(Math.abs(pxArea - f.areaUm2) / f.areaUm2, `fibre ${f.id}`).toBeLessThan(0.08);
    }
    // fascicles: several, each with fibres; some fibres on their edges
    expect(t.fascicles.length).toBeGreaterThan(1);
    expect(t.fibres.filter((f) => f.perifascicular).length).toBeGreaterThan(10);
    // perifascicular = a vertex on the edge of the perimysium; other fibres lie strictly inside their fascicle
    for (const f of s.tissue.fibres) {
      const edge = Math.min(...f.poly.map(([x, y]) => Math.abs(septumDepth(s.tissue, x, y).depth)));
      const inside = Math.min(...f.poly.map(([x, y]) => septumDepth(s.tissue, x, y).depth));
      if (f.perifascicular) expect(edge, `fibre ${f.id}`).toBeLessThan(1e-6);
      else expect(inside, `fibre ${f.id}`).toBeGreaterThan(1e-6);
    }
  });

  it('grades MHC-I by the SCIENCE.md bands, from the planted % of positive fibres', () => {
    expect([0, 0.1, 10, 10.01, 25, 25.5, 50, 50.1, 99.9, 100].map(mhcGradeOf)).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
    const seen = new Set<number>();
    for (const [seed, pattern, fraction] of [[31, 'diffuse', 0.05], [32, 'focal', 0.18], [33, 'diffuse', 0.4], [34, 'focal', 0.7], [35, 'diffuse', 1], [36, 'none', 0.5], [37, 'perifascicular', undefined]] as const) {
      const t = muscleTruthOf(makeMuscleScene({ seed, width: 1024, height: 1024, mhcPattern: pattern, mhcFraction: fraction }));
      const pos = t.fibres.filter((f) => f.positive);
      const pct = (100 * pos.length) / t.fibres.length;
      expect(t.scores.mhcPctPositiveFibres).toBeCloseTo(pct, 10);
      expect(t.scores.mhcGrade).toBe(mhcGradeOf(pct));
      expect(t.scores.mhcPattern).toBe(pattern);
      if (fraction !== undefined && pattern !== 'none') expect(pct / 100).toBeCloseTo(fraction, 1);
      if (pattern === 'none') expect(pos.length).toBe(0);
      if (pattern === 'focal' && fraction < 0.5) {
        // positives gather round the foci: closer together than fibres in general
        const spread = (fs: typeof t.fibres): number => {
          let sum = 0;
          for (const a of fs) for (const b of fs) sum += Math.hypot(a.centroid[0] - b.centroid[0], a.centroid[1] - b.centroid[1]);
          return sum / (fs.length * fs.length);
        };
        expect(spread(pos)).toBeLessThan(0.75 * spread(t.fibres));
      }
      if (pattern === 'perifascicular') {
        expect(pos.length).toBeGreaterThan(5);
        expect(pos.every((f) => f.perifascicular)).toBe(true);
      }
      for (const f of t.fibres) {
        // status and planted ODs agree, clear of the 0.2 threshold
        expect(f.positive).toBe(f.mhcStatus !== 'negative');
        if (f.mhcStatus === 'ring' || f.mhcStatus === 'both') expect(f.ringOd).toBeGreaterThanOrEqual(0.3);
        if (f.mhcStatus === 'sarcoplasmic' || f.mhcStatus === 'both') expect(f.interiorOd).toBeGreaterThanOrEqual(0.25);
        if (f.mhcStatus === 'negative') expect(Math.max(f.ringOd, f.interiorOd)).toBeLessThan(0.07);
        expect(f.ringWidthUm).toBeGreaterThanOrEqual(2);
        expect(f.ringWidthUm).toBeLessThanOrEqual(4);
      }
      seen.add(t.scores.mhcGrade);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('plants clusters that single-linkage at 20 µm recovers exactly, and locations by the rule', () => {
    let clusters = 0;
    const byLocation = { endomysial: 0, perimysial: 0, perivascular: 0 };
    for (const seed of [41, 42, 43]) {
      const s = big(seed, { clusters: 4, vesselsPerMm2: 8, marker: 'infiltrate' });
      const t = muscleTruthOf(s);
      const big10 = linkComponents(t).filter((g) => g.length >= CLUSTER_MIN_CELLS).map((g) => [...g].sort((a, b) => a - b));
      const planted = t.clusters.map((k) => [...k.members].sort((a, b) => a - b));
      expect(big10.sort((a, b) => a[0] - b[0])).toEqual(planted.sort((a, b) => a[0] - b[0]));
      expect(t.scores.clusterCount).toBe(t.clusters.length);
      clusters += t.clusters.length;
      for (const k of t.clusters) {
        expect(k.size).toBeGreaterThanOrEqual(CLUSTER_MIN_CELLS);
        expect(k.members.every((id) => t.cells[id].clusterId === k.id && t.cells[id].location === k.location)).toBe(true);
      }
      for (const c of t.cells) {
        // perivascular: independently from the truth's vessels
        const wall = Math.min(...t.vessels.map((v) => Math.hypot(c.x - v.x, c.y - v.y) - v.outerRadiusUm));
        expect(c.location === 'perivascular', `cell ${c.id}`).toBe(wall <= PERIVASCULAR_UM);
        if (c.location === 'perivascular') continue;
        const depth = septumDepth(s.tissue, c.x / s.mpp, c.y / s.mpp).depth * s.mpp;
        expect(c.location === 'perimysial').toBe(depth < 0);
        if (isInflammatory(c.kind)) {
          // planted with margins: clear of the boundaries the rule draws
          if (c.location === 'perimysial') expect(depth).toBeLessThanOrEqual(-3 + 1e-6);
          else expect(depth).toBeGreaterThanOrEqual(8 - 1e-6);
          expect(wall).toBeGreaterThanOrEqual(40 - 1e-3);
          byLocation[c.location]++;
        }
      }
      for (const c of t.cells.filter((c) => isInflammatory(c.kind) && c.location === 'perivascular')) {
        const wall = Math.min(...t.vessels.map((v) => Math.hypot(c.x - v.x, c.y - v.y) - v.outerRadiusUm));
        expect(wall).toBeLessThanOrEqual(20 + 1e-3);
        byLocation.perivascular++;
      }
      // counts by location add up
      const inf = t.cells.filter((c) => c.kind === 'infiltrate');
      expect(t.scores.infiltrateCount).toBe(inf.length);
      for (const loc of ['endomysial', 'perimysial', 'perivascular'] as const) {
        expect(t.scores.infiltrateCountByLocation[loc]).toBe(inf.filter((c) => c.location === loc).length);
      }
    }
    expect(clusters).toBeGreaterThanOrEqual(8);
    expect(byLocation.endomysial).toBeGreaterThan(20);
    expect(byLocation.perimysial).toBeGreaterThan(5);
    expect(byLocation.perivascular).toBeGreaterThan(20);
  });

  it('knows CD163 density: macrophages per mm² of tissue (the image less vessel lumens)', () => {
    const s = big(51, { marker: 'CD163', macrophagesPerMm2: 150 });
    const t = muscleTruthOf(s);
    const lumens = t.vessels.reduce((a, v) => a + Math.PI * (v.outerRadiusUm - v.wallUm) ** 2, 0);
    const imageUm2 = s.width * s.height * s.mpp * s.mpp;
    expect(t.scores.tissueAreaMm2 * 1e6).toBeCloseTo(imageUm2 - lumens, -2);
    const macro = t.cells.filter((c) => c.kind === 'macrophage');
    expect(t.scores.cd163PerMm2).toBeCloseTo(macro.length / t.scores.tissueAreaMm2, 8);
    // scattered ones reach the asked density (dart throwing may fall a little short), clusters add some
    expect(t.scores.cd163PerMm2).toBeGreaterThan(130);
    const sum = t.scores.cd163PerMm2ByLocation.endomysial + t.scores.cd163PerMm2ByLocation.perimysial + t.scores.cd163PerMm2ByLocation.perivascular;
    expect(sum).toBeCloseTo(t.scores.cd163PerMm2, 8);
    // per-location areas (lattice estimate) tile the tissue
    const areas = t.scores.locationAreaMm2;
    expect(Math.abs(areas.endomysial + areas.perimysial + areas.perivascular - t.scores.tissueAreaMm2) / t.scores.tissueAreaMm2).toBeLessThan(0.01);
    expect(areas.endomysial).toBeGreaterThan(areas.perimysial);
    expect(areas.perimysial).toBeGreaterThan(0.03 * t.scores.tissueAreaMm2);
    if (t.vessels.length > 0) expect(areas.perivascular).toBeGreaterThan(0);
    // under CD163 exactly the macrophages are DAB positive
    expect(t.cells.filter((c) => c.dabPositive).map((c) => c.id)).toEqual(macro.map((c) => c.id));
    expect(t.scores.positiveCellsPerMm2).toBeCloseTo(t.scores.cd163PerMm2, 8);
  });

  it('makes IL-1 expression a clear call: expressed slides stain area and cells, others none', () => {
    for (const [seed, marker, expressed] of [[61, 'IL-1Ra', true], [62, 'IL-1Ra', false], [63, 'IL-1a', true], [64, 'IL-1b', false]] as const) {
      const t = muscleTruthOf(makeMuscleScene({ seed, width: 1024, height: 1024, marker, il1Expressed: expressed }));
      expect(t.scores.il1Expressed).toBe(expressed);
      if (expressed) {
        expect(t.scores.pctPositiveArea).toBeGreaterThanOrEqual(t.rules.il1ExpressedMinPctArea);
        expect(t.scores.positiveCellsPerMm2).toBeGreaterThan(10);
        expect(t.scores.pixelHScore).toBeGreaterThan(t.scores.pctPositiveArea);
      } else {
        expect(t.scores.pctPositiveArea).toBe(0);
        expect(t.scores.pixelHScore).toBe(0);
        expect(t.scores.positiveCellsPerMm2).toBe(0);
      }
    }
  });

  it('rejects bad options with a clear error', () => {
    expect(() => makeMuscleScene({ seed: 1, width: 10, height: 512 })).toThrow(/synthetic muscle options are invalid: width/);
    expect(() => makeMuscleScene({ seed: 1, width: 512, height: 512, marker: 'Ki67' as never })).toThrow(/marker/);
  });
});
