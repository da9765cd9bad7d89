import { describe, expect, it } from 'vitest';
import { qcSlide, type QcTileResult } from '../../src/detect/qc/index.js';
import { resolveParams } from '../../src/domain/params.js';

const qc = resolveParams({ qc: { dilateUm: 0 } }).qc;

/** a 10 × 10-block all-tissue tile whose pen mask covers `penBlocks` blocks */
function tile(penBlocks: number): QcTileResult {
  const n = 100;
  const fill = (v: number) => new Float32Array(n).fill(v);
  const pen = new Uint8Array(n);
  pen.fill(1, 0, penBlocks);
  return { blockUm: 8, blockPx: 16, stats: { cols: 10, rows: 10, tissue: fill(1), fine: fill(0.01), coarse: fill(0.004), floor: fill(0.15), hFloor: fill(0.05), dFloor: fill(0.02), sd: fill(0.05) }, masks: { pen, ice: null, bubble: new Uint8Array(n) } };
}

describe('qcSlide verdict', () => {
  it('reports % excluded per cause and calls > 30 % review, > 50 % fail', () => {
    const ok = qcSlide([tile(20), tile(0)], qc);
    expect(ok.excludedPct.pen).toBeCloseTo(10, 6);
    expect(ok.excludedPct.focus).toBe(0);
    expect(ok.excludedPct.fold).toBe(0);
    expect(ok.tissueUm2).toBeCloseTo(200 * 64, 6);
    expect(ok.verdict).toBe('ok');
    expect(qcSlide([tile(70), tile(0)], qc).verdict).toBe('review');
    expect(qcSlide([tile(100), tile(10)], qc).verdict).toBe('fail');
  });
});
