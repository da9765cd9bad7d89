import { describe, expect, it } from 'vitest';
import { QC_CAUSES } from '../../src/detect/qc/index.js';
import { evaluateQc, formatQcTally, QC_HELDOUT_ARTEFACT_CASES as withArtefacts, QC_HELDOUT_CLEAN_CASES as clean } from '../../src/eval/qc.js';

describe('QC on held-out lab-realism regions', () => {
  it('finds every planted artefact type by area with sensitivity ≥ 0.9 (right cause) and excludes ≤ 3 % of the clean tissue around them', async () => {
    const { total } = await evaluateQc(withArtefacts);
    console.log(formatQcTally(total));
    for (const c of QC_CAUSES) expect(total.truth[c], `${c} is planted on tissue`).toBeGreaterThan(1000);
    // the bars: each type found by the right cause, by area; clean tissue excluded ≤ 3 %
    for (const c of QC_CAUSES) expect(total.right[c] / total.truth[c], c).toBeGreaterThanOrEqual(0.9);
    expect(total.cleanFlagged / total.cleanTissue).toBeLessThanOrEqual(0.03);
  }, 300_000);

  it('excludes little of clean slides, whole fields with ±6 % vignetting and JPEG 70 included, and calls them ok', async () => {
    const { rows, total } = await evaluateQc(clean);
    console.log(formatQcTally(total));
    for (const r of rows) {
      console.log(r.spec.kind, r.spec.seed, r.verdict, r.excludedPct.toFixed(2));
      expect(r.verdict).toBe('ok');
    }
    expect(total.cleanTissue).toBeGreaterThan(1_000_000);
    // the bar
    expect(total.cleanFlagged / total.cleanTissue).toBeLessThanOrEqual(0.03);
  }, 300_000);
});
