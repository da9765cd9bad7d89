import { describe, expect, it } from 'vitest';
import { QC_CAUSES, qcDecideTile, qcReference, qcSlide, qcTile } from '../../src/detect/qc/index.js';
import { resolveParams } from '../../src/domain/params.js';
import { decodeBlockMask, encodeBlockMask } from '../../src/domain/qc.js';
import { renderQcCase } from '../../src/eval/qc-cases.js';

/**
 * The split the pipeline runs (references from a sample at plan time, each tile decided in its
 * own job) must be qcSlide's rule: same references, same masks, on real QC tiles with every
 * artefact planted (tuning seeds, cells and muscle).
 */
describe('qcReference + qcDecideTile', () => {
  it('give the references and per-tile masks qcSlide gives for the same tiles', async () => {
    // every cause, folds included (the default leaves them out, and then measures no fold floors)
    const qc = resolveParams({ qc: { causes: [...QC_CAUSES] } }).qc;
    const tiles = [];
    for (const spec of [{ kind: 'cells' as const, seed: 11 }, { kind: 'muscle' as const, seed: 12 }]) {
      const c = await renderQcCase(spec);
      tiles.push(qcTile({ rgb: c.rgb, mpp: c.mpp, i0: c.i0, stain: c.stain, muscle: spec.kind === 'muscle' }, qc));
    }
    const slide = qcSlide(tiles, qc);
    const ref = qcReference(tiles, qc);
    expect(ref.focusRatio).toBe(slide.reference.focusRatio);
    expect(ref.foldFloorOd).toBe(slide.reference.foldFloorOd);
    expect(ref.foldFloorOd).toBeGreaterThan(0);
    // folds not looked for (the default): no floors measured, no fold reference
    const byDefault = resolveParams().qc;
    const c = await renderQcCase({ kind: 'cells', seed: 11 });
    expect(qcReference([qcTile({ rgb: c.rgb, mpp: c.mpp, i0: c.i0, stain: c.stain, muscle: false }, byDefault)], byDefault).foldFloorOd).toBeNull();
    expect(ref.tiles).toBe(2);
    let flagged = 0;
    tiles.forEach((t, i) => {
      const m = qcDecideTile(t, ref, qc);
      for (const c of [...QC_CAUSES, 'any'] as const) expect(m[c], `tile ${i} ${c}`).toEqual(slide.masks[i][c]);
      flagged += m.any.reduce((a, v) => a + v, 0);
    });
    expect(flagged).toBeGreaterThan(100);
  }, 120_000);

  it('flags nothing for a cause left out of params.qc.causes, nor for focus and folds without a reference', async () => {
    const c = await renderQcCase({ kind: 'cells', seed: 11 });
    const all = resolveParams().qc;
    const t = qcTile({ rgb: c.rgb, mpp: c.mpp, i0: c.i0, stain: c.stain, muscle: false }, all);
    const ref = qcReference([t], all);
    const full = qcDecideTile(t, ref, all);
    const penOnly = qcDecideTile(t, ref, resolveParams({ qc: { causes: ['pen'] } }).qc);
    expect(full.pen.some((v) => v === 1)).toBe(true);
    expect(penOnly.pen).toEqual(full.pen);
    expect(penOnly.any).toEqual(full.pen);
    const noRef = qcDecideTile(t, { focusRatio: null, foldFloorOd: null, tiles: 0 }, all);
    expect(noRef.focus.every((v) => v === 0) && noRef.fold.every((v) => v === 0)).toBe(true);
  }, 120_000);
});

describe('block mask run-length code', () => {
  it('round-trips any mask and is short for compact ones', () => {
    const masks = [new Uint8Array(0), new Uint8Array(50), new Uint8Array(50).fill(1), Uint8Array.from({ length: 97 }, (_, i) => (i % 7 < 3 ? 1 : 0))];
    for (const m of masks) expect(decodeBlockMask(encodeBlockMask(m), m.length)).toEqual(m);
    expect(encodeBlockMask(new Uint8Array(50))).toBe('');
    const square = new Uint8Array(64 * 64);
    for (let y = 10; y < 20; y++) square.fill(1, y * 64 + 30, y * 64 + 40);
    expect(encodeBlockMask(square).split(',')).toHaveLength(20);
    expect(() => decodeBlockMask('3,60', 50)).toThrow(/covers 63 blocks but the grid has 50/);
  });
});
