import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../src/errors/index.js';
import { maskLocator, outsideFibres, PERIVASCULAR_UM, type LocationMasks, type Locate } from '../../src/score/cell-location.js';
import { HPF_AREA_MM2, InfiltrateScores, peakInDisc, scoreInfiltrates, type InfiltrateCell } from '../../src/score/infiltrates.js';

/**
 * A 1 × 1 mm layout on a 2.5 µm grid: one perimysial septum x ∈ [480, 520) µm, a vessel of
 * radius 10 µm at (500, 800), a fibre occupying [100, 200)² µm. Everything else is endomysium.
 */
function layout(): LocationMasks {
  const w = 400;
  const perimysium = new Uint8Array(w * w);
  const fibre = new Uint8Array(w * w);
  for (let j = 0; j < w; j++) {
    for (let i = 0; i < w; i++) {
      if (i >= 192 && i < 208) perimysium[j * w + i] = 1;
      if (i >= 40 && i < 80 && j >= 40 && j < 80) fibre[j * w + i] = 7;
    }
  }
  return { width: w, height: w, mpp: 2.5, perimysium, fibre, vessels: [{ x: 500, y: 800, radiusUm: 10 }] };
}

const grid = (n: number, x0: number, y0: number, step: number, cols: number, grade = 2): InfiltrateCell[] =>
  Array.from({ length: n }, (_, k) => ({ x: x0 + (k % cols) * step, y: y0 + Math.floor(k / cols) * step, grade }));

describe('maskLocator', () => {
  const locate = maskLocator(layout());
  it('classifies endomysial, perimysial and perivascular, vessel first', () => {
    expect(locate(100, 100)).toBe('endomysial');
    expect(locate(479.9, 300)).toBe('endomysial');
    expect(locate(480, 300)).toBe('perimysial');
    expect(locate(519.9, 300)).toBe('perimysial');
    expect(locate(520, 300)).toBe('endomysial');
    // wall at 10 µm + 30 µm reach: 40 µm from the centre is in, 40.01 out
    expect(PERIVASCULAR_UM).toBe(30);
    expect(locate(500, 840)).toBe('perivascular');
    expect(locate(500, 840.01)).toBe('perimysial');
    // a cuff reaching out of the septum into the fascicle is still perivascular
    expect(locate(530, 800)).toBe('perivascular');
    expect(locate(541, 800)).toBe('endomysial');
  });
  it('takes the perivascular reach and a mask origin as inputs', () => {
    // vessels are in slide µm like the cells; only the mask grid moves with the origin
    const m = { ...layout(), perivascularUm: 5, originX: 1000, originY: 2000, vessels: [{ x: 1500, y: 2800, radiusUm: 10 }] };
    const shifted = maskLocator(m);
    expect(shifted(1500, 2814)).toBe('perivascular');
    expect(shifted(1500, 2816)).toBe('perimysial');
    expect(shifted(1100, 2100)).toBe('endomysial');
  });
  it('names the problem for cells off the masks and for inconsistent masks', () => {
    expect(() => locate(-1, 10)).toThrow(AnalysisError);
    expect(() => locate(10, 1000)).toThrow(/outside the location masks/);
    expect(() => maskLocator({ ...layout(), perimysium: new Uint8Array(10) })).toThrow(/perimysium mask has 10 pixels/);
    expect(() => maskLocator({ ...layout(), mpp: 0 })).toThrow(AnalysisError);
  });
  it('outsideFibres drops cells whose centroid lies in a fibre', () => {
    const cells = [{ x: 150, y: 150 }, { x: 99, y: 150 }, { x: 200, y: 150 }, { x: 199.9, y: 199.9 }];
    expect(outsideFibres(cells, layout())).toEqual([cells[1], cells[2]]);
    expect(() => outsideFibres(cells, { ...layout(), fibre: undefined })).toThrow(/no fibre mask/);
  });
});

describe('peakInDisc', () => {
  it('counts the most points within the radius of one of them, boundary included', () => {
    expect(peakInDisc([], 10)).toBe(0);
    expect(peakInDisc([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 20, y: 0 }, { x: 30.5, y: 0 }], 10)).toBe(3);
    expect(peakInDisc([{ x: 0, y: 0 }, { x: 6, y: 8 }, { x: -6, y: -8 }], 10)).toBe(3);
    expect(peakInDisc([{ x: 0, y: 0 }, { x: 6, y: 8.01 }, { x: -6, y: -8.01 }], 10)).toBe(1);
    expect(peakInDisc([{ x: 0, y: 0 }, { x: 6, y: 8.01 }, { x: -6, y: -8 }], 10)).toBe(2);
    // cells a kilometre apart coarsen the grid without changing the count
    expect(peakInDisc([{ x: 0, y: 0 }, { x: 6, y: 8 }, { x: 1e9, y: 1e9 }, { x: 1e9 + 3, y: 1e9 }], 10)).toBe(2);
  });
});

describe('scoreInfiltrates: JDM score tool grade per location', () => {
  const locate = maskLocator(layout());
  const endo: Locate = () => 'endomysial';

  it('uses a 20× HPF of 0.950 mm²', () => {
    expect(HPF_AREA_MM2).toBeCloseTo(0.9503, 4);
  });

  it('<4/HPF: three scattered positive cells', () => {
    const r = scoreInfiltrates(grid(3, 100, 300, 100, 3), locate, 1);
    const e = r.scores.byLocation.endomysial;
    expect([e.cells, e.peakCellsPerHpf, e.grade, e.gradeLabel]).toEqual([3, 3, 0, '<4/HPF']);
    expect(e.cellsPerMm2).toBe(3);
    expect(r.scores.byLocation.perimysial.grade).toBe(0);
    expect(InfiltrateScores.parse(r.scores)).toEqual(r.scores);
  });

  it('≥4/HPF: five cells 30 µm apart in one field of a large section (no cluster, not diffuse)', () => {
    const r = scoreInfiltrates(grid(5, 100, 300, 30, 5), locate, 10);
    const e = r.scores.byLocation.endomysial;
    expect([e.peakCellsPerHpf, e.clusters, e.grade, e.gradeLabel]).toEqual([5, 0, 1, '≥4/HPF']);
    expect(e.meanCellsPerHpf).toBeCloseTo(5 * HPF_AREA_MM2 / 10, 12);
  });

  it('one cluster, two clusters → "cluster"; three → ">2 clusters"', () => {
    const one = grid(12, 100, 300, 10, 4);
    const two = [...one, ...grid(10, 300, 600, 15, 5)];
    const three = [...two, ...grid(11, 700, 100, 12, 3)];
    const g = (cells: InfiltrateCell[]) => scoreInfiltrates(cells, endo, 10).scores.byLocation.endomysial;
    expect([g(one).clusters, g(one).largestCluster, g(one).grade]).toEqual([1, 12, 2]);
    expect([g(two).clusters, g(two).clusteredCells, g(two).grade]).toEqual([2, 22, 2]);
    expect([g(three).clusters, g(three).grade, g(three).gradeLabel]).toEqual([3, 3, '>2 clusters']);
  });

  it('diffuse: cells spread over the section at ≥4/HPF on average, mostly unclustered', () => {
    // 7 × 7 cells 100 µm apart on 1 mm²: 49 cells/mm² · 0.95 = 46.6 per HPF, no cluster
    const spread = grid(49, 50, 50, 100, 7).filter((c) => locate(c.x, c.y) === 'endomysial');
    const r = scoreInfiltrates(spread, endo, 1);
    expect(r.scores.byLocation.endomysial.grade).toBe(4);
    expect(r.scores.byLocation.endomysial.gradeLabel).toBe('diffuse');
    // the same count all in clusters is ">2 clusters", not diffuse
    const clustered = [...grid(15, 100, 100, 10, 5), ...grid(15, 600, 100, 10, 5), ...grid(15, 100, 600, 10, 5)];
    const c = scoreInfiltrates(clustered, endo, 1).scores.byLocation.endomysial;
    expect(c.meanCellsPerHpf).toBeGreaterThan(4);
    expect([c.clusteredCells, c.grade]).toEqual([45, 3]);
    // and spread cells below the mean level on a large section are not diffuse
    expect(scoreInfiltrates(spread, endo, 20).scores.byLocation.endomysial.grade).toBe(1);
  });

  it('a cuff spilling into the septum is one perivascular cluster; the septum keeps its own count', () => {
    // 12 cells in a 4 × 3 block 10 µm apart below the vessel, x = 485..515 (all in the septum):
    // rows y = 820 and 830 lie within 40 µm of the centre (8 perivascular), row 840 does not (4 perimysial)
    const cuff = grid(12, 485, 820, 10, 4);
    const r = scoreInfiltrates(cuff, locate, 1);
    const pv = r.scores.byLocation.perivascular;
    const pm = r.scores.byLocation.perimysial;
    expect(r.locations).toEqual([...new Array(8).fill('perivascular'), ...new Array(4).fill('perimysial')]);
    expect([pv.cells, pv.clusters, pv.clusteredCells, pv.grade]).toEqual([8, 1, 8, 2]);
    // perimysial: its 4 cells belong to the perivascular cluster, so none is clustered here;
    // peak 4/HPF, mean 4 · 0.95 = 3.8 < 4 → "≥4/HPF", not diffuse
    expect([pm.cells, pm.clusters, pm.clusteredCells, pm.peakCellsPerHpf, pm.grade]).toEqual([4, 0, 0, 4, 1]);
    expect(r.scores.clusters).toEqual([expect.objectContaining({ id: 0, size: 12, location: 'perivascular' })]);
    expect(r.scores.cells).toBe(12);
    expect(pv.cellsPerMm2 + pm.cellsPerMm2 + r.scores.byLocation.endomysial.cellsPerMm2).toBe(r.scores.cellsPerMm2);
  });

  it('breaks a tied cluster vote towards the more specific location', () => {
    const cells = grid(10, 0, 0, 10, 10);
    const half: Locate = (x) => (x < 50 ? 'perimysial' : 'perivascular');
    expect(scoreInfiltrates(cells, half, 1).scores.clusters[0].location).toBe('perivascular');
    const half2: Locate = (x) => (x < 50 ? 'endomysial' : 'perimysial');
    expect(scoreInfiltrates(cells, half2, 1).scores.clusters[0].location).toBe('perimysial');
  });

  it('counts positive cells by default and every cell with minGrade 0', () => {
    const neg = grid(12, 100, 300, 10, 4, 0);
    const pos = scoreInfiltrates(neg, endo, 10);
    expect([pos.scores.cells, pos.scores.clusters.length]).toEqual([0, 0]);
    expect([...pos.clusterOf]).toEqual(new Array(12).fill(-1));
    const all = scoreInfiltrates(neg, endo, 10, { minGrade: 0 });
    expect([all.scores.cells, all.scores.clusters.length, all.scores.byLocation.endomysial.grade]).toEqual([12, 1, 2]);
  });

  it('rejects a bad tissue area, bad options and a classifier that answers nonsense', () => {
    expect(() => scoreInfiltrates([], endo, 0)).toThrow(/tissue area/);
    expect(() => scoreInfiltrates([], endo, 1, { hpfAreaMm2: -1 })).toThrow(AnalysisError);
    expect(() => scoreInfiltrates(grid(1, 0, 0, 1, 1), (() => 'fibre') as unknown as Locate, 1)).toThrow(/returned 'fibre'/);
  });
});

describe('peakInDisc against an all-pairs count', () => {
  it('agrees exactly on random cells, including cells on the circle', () => {
    let s = 99;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const pts = Array.from({ length: 1500 }, () => ({ x: Math.round(rnd() * 3000), y: Math.round(rnd() * 3000) }));
    // a 3-4-5 triangle puts integer points exactly on circles of radius 50·k
    for (let k = 0; k < 40; k++) pts.push({ x: 1000 + 30 * (k % 8), y: 1000 + 40 * (k % 8) });
    for (const radius of [50, 137.5, 550]) {
      let ref = 0;
      for (const p of pts) ref = Math.max(ref, pts.filter((q) => (q.x - p.x) ** 2 + (q.y - p.y) ** 2 <= radius * radius).length);
      expect(peakInDisc(pts, radius), `radius ${radius}`).toBe(ref);
    }
  });
});
