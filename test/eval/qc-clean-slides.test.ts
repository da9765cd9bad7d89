import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paramsForMarker } from '../../src/domain/marker.js';
import type { AnalysisParamsInput } from '../../src/domain/params.js';
import { QC_CAUSE_IDS } from '../../src/domain/qc.js';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import { GOLDEN_SLIDES, slideFile, type GoldenSlide } from '../golden/golden-slides.js';

/**
 * Issue 10's bar for QC on clean slides: the golden set (the four shipped muscle sections, a JPEG
 * whole field among them, and synthetic muscle scenes with infiltrate clusters, CD163+
 * macrophages, perimysial septa and vessels, MHC-I and IL-1 DAB; none has an artefact planted)
 * must lose under 1 % of its tissue to QC, so that QC on by default leaves clean-slide scores alone.
 * With the default parameters (QC on, folds left out: params.qc.causes) every slide meets it: the
 * golden test asserts that on the analyses it pins (test/golden/golden-scores.test.ts).
 *
 * KNOWN SHORTFALL (why folds are left out by default): asked for (`--qc`, causes with 'fold'),
 * the fold detector calls perimysial septa that carry real DAB (diffuse IL-1 patches over them,
 * CD163+ macrophages with DAB halos in them) folds: they hold about twice the hematoxylin AND the
 * DAB of the fibres beside them, as a fold does; telling them apart needs structure (a fold cuts
 * across fibres, a septum runs between them). Pinned just above where they stand.
 */
const MUSCLE = GOLDEN_SLIDES.filter((s) => s.kind !== 'cells');
/** measured % excluded with every cause on (01:00 UTC, 2026-12-05; bench/qc-clean-look.ts QC_ALL=1), plus one point */
// (also measured, not re-run here to keep the suite within its time: shipped P01 baseline CD163
// pyramidal TIFF 9.4 % (fold 8.7, ice 0.7), P01 month-6 CD163 SVS 4.0 % (fold 3.7, ice 0.4))
const FOLD_ON_CAP_PCT: Record<string, number> = {
  'shipped P02 baseline IL-1Ra muscle section (PNG)': 15.1, // fold 14.0
  // fold 6.0 until its I0 came from its lumens (246 for the white point 255; planted 244): fold 7.0;
  // 8.8 (ice 0.2) since QC reads its vignetting into the OD (log10 S added) instead of rounding I/S to bytes
  'shipped P02 month-6 IL-1Ra muscle section, whole field (JPEG)': 10.1,
  'muscle IL-1a expressed': 7.3, // fold 6.3
};

async function excluded(slide: GoldenSlide, dir: string, user: AnalysisParamsInput): Promise<{ pct: number; verdict: string }> {
  const { file, metadata } = await slideFile(slide, dir);
  const executor = inlineExecutor();
  try {
    const o = await analyseSlide({ path: file, metadata, params: paramsForMarker(metadata.marker, user), executor });
    if (!o.ok) throw new Error(o.error);
    expect(o.qc).not.toBeNull();
    console.log(slide.name, JSON.stringify(o.qc!.excludedPct));
    return { pct: o.qc!.excludedPct.any, verdict: o.qc!.verdict };
  } finally {
    await executor.close();
  }
}

describe('QC on clean muscle slides with folds asked for (golden set, shipped slides included)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'qc-clean-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [name, cap] of Object.entries(FOLD_ON_CAP_PCT)) {
    it(`${name}, folds asked for: under ${cap} % excluded (KNOWN SHORTFALL: bar 1 %)`, async () => {
      const slide = MUSCLE.find((s) => s.name === name)!;
      const r = await excluded(slide, dir, { qc: { causes: [...QC_CAUSE_IDS] } });
      expect(r.pct).toBeLessThan(cap);
      expect(r.verdict).toBe('ok');
    }, 240_000);
  }
});
