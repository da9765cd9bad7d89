import { describe, expect, it } from 'vitest';

/**
 * The viewer's pure review helpers (src/web/, plain JS the browser loads as it is): outlines from
 * clicks, their area, correction targets and the overlay with corrections applied. Loaded by URL,
 * as the browser does, since the viewer's modules carry no type declarations.
 */
const load = (file: string) => import(new URL(`../../src/web/${file}`, import.meta.url).href);

describe('drawing: an outline from clicks', () => {
  it('drops repeated clicks and a closing repeat of the first vertex; fewer than 3 vertices is no outline', async () => {
    const { closedOutline } = await load('draw-tools.js');
    // a double-click repeats its vertex; a user closing on the first vertex repeats it too
    expect(closedOutline([[0, 0], [10, 0], [10, 0], [10, 10], [0, 0]])).toEqual([[0, 0], [10, 0], [10, 10]]);
    expect(closedOutline([[0, 0], [5, 5], [5, 5]])).toBeNull();
    expect(closedOutline([])).toBeNull();
  });

  it('the shoelace area of an outline, whichever way it was drawn', async () => {
    const { polygonArea } = await load('draw-tools.js');
    const square = [[0, 0], [10, 0], [10, 10], [0, 10]];
    expect(polygonArea(square)).toBe(100);
    expect(polygonArea([...square].reverse())).toBe(100);
    // a right triangle with legs 6 and 4
    expect(polygonArea([[0, 0], [6, 0], [0, 4]])).toBe(12);
  });
});

describe('corrections over the overlay', () => {
  const base = {
    analysisId: 1, slideId: 1, slideMppUm: 0.5, count: 4,
    cells: { x: [10, 20, 30, 40], y: [1, 2, 3, 4], radius: [3, 3, 3, 3], grade: [0, 1, 2, 3], tile: [4, 4, 7, 7] },
    fibres: [{ x: 5, y: 5, contour: [], radiusPx: 8, positive: false, ringDab: 0.05, interiorDab: 0.1, perifascicular: false, target: 'fibre:4:0' }],
  };

  it('names each stored cell cell:<tile>:<n>, its n-th in its tile', async () => {
    const { cellTargets } = await load('corrected-overlay.js');
    expect(cellTargets(base)).toEqual(['cell:4:0', 'cell:4:1', 'cell:7:0', 'cell:7:1']);
  });

  it('draws a reclassified cell in its grade, leaves a deleted one out, adds an added one, and flips a fibre', async () => {
    const { correctedOverlay, markOf } = await load('corrected-overlay.js');
    const o = correctedOverlay(base, [
      { target: 'cell:4:0', effect: { kind: 'reclassify', grade: 3 } },
      { target: 'cell:7:0', effect: { kind: 'delete' } },
      { target: 'added:5', effect: { kind: 'add', x: 100, y: 200, grade: 1 } },
      { target: 'fibre:4:0', effect: { kind: 'fibre', mhc1Positive: true } },
    ]);
    expect(o.count).toBe(4);
    expect(o.corrections).toBe(4);
    expect(o.cells.target).toEqual(['cell:4:0', 'cell:4:1', 'cell:7:1', 'added:5']);
    expect(o.cells.grade).toEqual([3, 1, 3, 1]);
    expect(o.cells.corrected).toEqual([true, false, false, true]);
    // an added cell is drawn 3 µm across at 0.5 µm/px: 6 px
    expect([o.cells.x[3], o.cells.y[3], o.cells.radius[3]]).toEqual([100, 200, 6]);
    expect(o.fibres[0]).toMatchObject({ positive: true, corrected: true });
    expect(base.fibres[0].positive).toBe(false); // the algorithm's overlay is left as it came
    expect(markOf(o, 'cell:7:1')).toEqual({ kind: 'cell', index: 2 });
    expect(markOf(o, 'cell:7:0')).toBeNull();
    expect(markOf(o, 'fibre:4:0')).toEqual({ kind: 'fibre', index: 0 });
  });
});
