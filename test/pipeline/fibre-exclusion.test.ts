import { describe, expect, it } from 'vitest';
import { fibresMostlyKept } from '../../src/pipeline/fibre-exclusion.js';

// a 10 × 10 label plane: fibre 1 in columns 0–4, fibre 2 in columns 5–9 (rows 0–4), fibre 3 in
// rows 5–9 across the width
function labels(): Int32Array {
  const l = new Int32Array(100);
  for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) l[y * 10 + x] = y >= 5 ? 3 : x < 5 ? 1 : 2;
  return l;
}
const fibres = [{ id: 1 }, { id: 2 }, { id: 3 }];
const ids = (split: { kept: { id: number }[] }) => split.kept.map((f) => f.id);

describe('fibres left out when most of them lies under a QC exclusion', () => {
  it('drops a fibre more than the share under excluded pixels, keeps one at or under it', () => {
    // columns 0–2 excluded: fibre 1 is 3/5 under (dropped), fibre 3 3/10 (kept), fibre 2 none
    expect(ids(fibresMostlyKept(fibres, labels(), 10, 10, 1, { x0: 0, y0: 0 }, (x) => x < 3, 0.5))).toEqual([2, 3]);
    expect(fibresMostlyKept(fibres, labels(), 10, 10, 1, { x0: 0, y0: 0 }, (x) => x < 3, 0.5).dropped.map((f) => f.id)).toEqual([1]);
    // columns 0–4: fibre 3 exactly half under is kept, fibre 1 wholly under is not
    expect(ids(fibresMostlyKept(fibres, labels(), 10, 10, 1, { x0: 0, y0: 0 }, (x) => x < 5, 0.5))).toEqual([2, 3]);
    expect(ids(fibresMostlyKept(fibres, labels(), 10, 10, 1, { x0: 0, y0: 0 }, (x) => x < 6, 0.5))).toEqual([2]);
  });

  it('judges a fibre on the pixels the tile decided (undefined: a neighbouring core), in level coordinates', () => {
    // columns 5–6 excluded, 7–9 outside the core: fibre 2 is 2 of its 2 decided columns under
    expect(ids(fibresMostlyKept(fibres, labels(), 10, 10, 1, { x0: 0, y0: 0 }, (x) => (x >= 7 ? undefined : x >= 5), 0.5))).toEqual([1, 3]);
    // the read rectangle's origin moves the plane: level x 100–102 are columns 0–2
    expect(ids(fibresMostlyKept(fibres, labels(), 10, 10, 1, { x0: 100, y0: 50 }, (x) => x < 103, 0.5))).toEqual([2, 3]);
    // a binned plane (2 px per label pixel): label column c stands for level x 2c + 1
    expect(ids(fibresMostlyKept(fibres, labels(), 10, 10, 2, { x0: 0, y0: 0 }, (x) => x < 6, 0.5))).toEqual([2, 3]);
  });

  it('keeps a fibre none of whose pixels the tile decided', () => {
    expect(ids(fibresMostlyKept(fibres, labels(), 10, 10, 1, { x0: 0, y0: 0 }, () => undefined, 0))).toEqual([1, 2, 3]);
  });
});
