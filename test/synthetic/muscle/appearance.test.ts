import { describe, expect, it } from 'vitest';
import { deconvolve } from '../../../src/stain/deconvolve.js';
import { musclePlantedBuffers, plantMuscleInto } from '../../../src/synthetic/muscle/planted.js';
import { depthIn } from '../../../src/synthetic/muscle/polygon.js';
import { renderMuscleRegion } from '../../../src/synthetic/muscle/render.js';
import { makeMuscleScene } from '../../../src/synthetic/muscle/scene.js';
import { septumDepth } from '../../../src/synthetic/muscle/tissue.js';
import { muscleTruthOf } from '../../../src/synthetic/muscle/truth-of.js';

describe('synthetic muscle appearance', () => {
  it('renders fibre interiors paler than the septa, and MHC-I DAB in the planted ring and sarcoplasm', () => {
    const s = makeMuscleScene({ seed: 71, width: 1024, height: 1024, marker: 'MHC-I', mhcPattern: 'diffuse', mhcFraction: 0.4 });
    const t = muscleTruthOf(s);
    const img = renderMuscleRegion(s, 0, 0, s.width, s.height);
    const { dab } = deconvolve(img, s.stain, s.i0);
    const buf = musclePlantedBuffers(s.width * s.height);
    plantMuscleInto(s, 0, 0, s.width, s.height, buf);

    let fibreSum = 0, fibreN = 0, septumSum = 0, septumN = 0;
    const ring = new Float64Array(t.fibres.length);
    const ringN = new Float64Array(t.fibres.length);
    const inner = new Float64Array(t.fibres.length);
    const innerN = new Float64Array(t.fibres.length);
    for (let y = 0; y < s.height; y++) {
      for (let x = 0; x < s.width; x++) {
        const p = y * s.width + x;
        if (buf.owner[p] >= 0 || buf.tissue[p] === 0) continue;
        const f = buf.fibre[p];
        const bright = img.data[3 * p] + img.data[3 * p + 1] + img.data[3 * p + 2];
        if (f >= 0) {
          const fib = s.tissue.fibres[f];
          const d = depthIn(fib.edges, x, y);
          const rw = s.fibreStain[f].ringWidth;
          // stay 1 px clear of the band edges: blur mixes across them
          if (d >= 1 && d < rw - 1) {
            ring[f] += dab.data[p];
            ringN[f]++;
          } else if (d > rw + 2) {
            inner[f] += dab.data[p];
            innerN[f]++;
            if (!t.fibres[f].positive) {
              fibreSum += bright;
              fibreN++;
            }
          }
        } else if ((x & 3) === 0 && (y & 3) === 0 && septumDepth(s.tissue, x, y).depth < -4) {
          septumSum += bright;
          septumN++;
        }
      }
    }
    expect(fibreN).toBeGreaterThan(10_000);
    expect(septumN).toBeGreaterThan(500);
    // sarcoplasm H 0.03–0.06 vs connective 0.08–0.15: clearly brighter
    expect(fibreSum / fibreN).toBeGreaterThan(septumSum / septumN + 15);

    let checked = 0;
    for (const f of t.fibres) {
      if (ringN[f.id] < 20 || innerN[f.id] < 50) continue;
      const r = ring[f.id] / ringN[f.id];
      const i = inner[f.id] / innerN[f.id];
      const label = `fibre ${f.id} ${f.mhcStatus}`;
      if (f.mhcStatus === 'ring' || f.mhcStatus === 'both') expect(r, label).toBeGreaterThan(0.22);
      if (f.mhcStatus === 'sarcoplasmic' || f.mhcStatus === 'both') expect(i, label).toBeGreaterThan(0.18);
      if (f.mhcStatus === 'ring') expect(i, label).toBeLessThan(0.12);
      if (f.mhcStatus === 'negative') expect(Math.max(r, i), label).toBeLessThan(0.12);
      checked++;
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('renders CD163 DAB on macrophages and not on the other cells', () => {
    const s = makeMuscleScene({ seed: 72, width: 1024, height: 1024, marker: 'CD163', macrophagesPerMm2: 150 });
    const t = muscleTruthOf(s);
    const img = renderMuscleRegion(s, 0, 0, s.width, s.height);
    const { dab } = deconvolve(img, s.stain, s.i0);
    const at = (xUm: number, yUm: number): number => {
      const x = Math.round(xUm / s.mpp);
      const y = Math.round(yUm / s.mpp);
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += dab.data[(y + dy) * s.width + x + dx];
      return sum / 9;
    };
    const macro = t.cells.filter((c) => c.kind === 'macrophage');
    expect(macro.length).toBeGreaterThan(20);
    for (const c of macro) expect(at(c.x, c.y), `macrophage ${c.id}`).toBeGreaterThan(0.2);
    for (const c of t.cells.filter((c) => c.kind === 'infiltrate' || c.kind === 'stromal')) expect(at(c.x, c.y), `${c.kind} ${c.id}`).toBeLessThan(0.15);
  });
});
