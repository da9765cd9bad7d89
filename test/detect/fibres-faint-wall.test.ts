import { describe, expect, it } from 'vitest';
import { segmentFibres } from '../../src/detect/fibres.js';
import { floatPlane } from '../../src/image/raster.js';

// A row of five 60 µm fibres (sarcoplasm 0.035 OD) in connective tissue (0.12): the walls between
// the first four are plain endomysium, 3 µm at 0.12; the wall between the last two is 1 µm wide
// and faint, dashes of 3 µm `dash` OD above the sarcoplasm with 6 µm stretches of `gap` OD between
// them, as a faint endomysium breaks up under JPEG noise. Through those stretches the two fibres
// join across a straight side: a union with no neck.
const MPP = 0.5;
function row(dash: number, gap: number) {
  const um = (v: number) => Math.round(v / MPP);
  const fibre = um(60);
  const wall = um(3);
  const border = um(10);
  const w = 2 * border + 5 * fibre + 3 * wall + um(1);
  const ht = 2 * border + fibre;
  const h = floatPlane(w, ht);
  h.data.fill(0.12);
  let x = border;
  for (let f = 0; f < 5; f++) {
    for (let y = border; y < border + fibre; y++) h.data.fill(0.035, y * w + x, y * w + x + fibre);
    x += fibre;
    if (f === 3) {
      // the faint wall, 1 µm wide
      for (let y = border; y < border + fibre; y++) {
        const inDash = ((y - border) * MPP) % 9 < 3;
        h.data.fill(0.035 + (inDash ? dash : gap), y * w + x, y * w + x + um(1));
      }
      x += um(1);
    } else if (f < 4) x += wall;
  }
  return { h, dab: floatPlane(w, ht) };
}

describe('fibres parted by a faint, broken endomysium', () => {
  const { h, dab } = row(0.045, 0.026);

  it('splits the pair again with the faint stretches linked to the dashes (params.fibres.lineContrastLow)', () => {
    const seg = segmentFibres(h, dab, MPP);
    expect(seg.fibres).toHaveLength(5);
    for (const f of seg.fibres) expect(f.areaUm2).toBeGreaterThan(0.9 * 3600);
    for (const f of seg.fibres) expect(f.areaUm2).toBeLessThan(1.05 * 3600);
  });

  it('merges them without it, into one region twice a fibre', () => {
    const seg = segmentFibres(h, dab, MPP, { lineContrastLow: null });
    expect(seg.fibres).toHaveLength(4);
    expect(Math.max(...seg.fibres.map((f) => f.areaUm2))).toBeGreaterThan(1.9 * 3600);
  });

  it('links only to a line: a wall faint all along, with no dash to start from, stays unseen', () => {
    const plain = row(0.026, 0.026);
    expect(segmentFibres(plain.h, plain.dab, MPP).fibres).toHaveLength(4);
  });
});
