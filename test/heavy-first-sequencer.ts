import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files by how long they took in the suite (seconds, 2026-12-06, muscle structure at 1 µm/px), longest first, whatever their tier: a
 * fresh checkout has no vitest timing cache, and the default order (tier by tier, larger files first)
 * left a minute-long file for the end while the other worker sat idle. Files not listed run after.
 */
const SECONDS: Record<string, number> = {
  'test/cohort/demo-cohort.test.ts': 98,
  'test/eval/lab-realism.test.ts': 66,
  'test/service/faults.test.ts': 61,
  'test/cli/cohort.test.ts': 55,
  'test/service/service-mode.test.ts': 44,
  'test/eval/muscle-wide.test.ts': 41,
  'test/cli/review.test.ts': 37,
  'test/golden/golden-scores.test.ts': 35,
  'test/cli/analyze.test.ts': 31,
  'test/eval/muscle-heldout.test.ts': 29,
  'test/cli/demo.test.ts': 28,
  'test/slide/scanner-formats-pipeline.test.ts': 25,
  'test/web/viewer.test.ts': 22,
  'test/web/review.test.ts': 21,
  'test/eval/heldout.test.ts': 20,
  'test/eval/marker-compartment.test.ts': 18,
  'test/slide/dicom/dicom-analysis-parity.test.ts': 18,
  'test/pipeline/hostile-batch.test.ts': 18,
  'test/eval/glass-free-vessels.test.ts': 17,
  'test/eval/lab-light.test.ts': 17,
  'test/eval/qc.test.ts': 17,
  'test/api/serve.test.ts': 17,
  'test/pipeline/slide-budget.test.ts': 16,
  'test/store/pglite.test.ts': 15,
  'test/api/load-smoke.test.ts': 15,
  'test/pipeline/seams.test.ts': 14,
  'test/eval/detector-compare.test.ts': 14,
  'test/api/associated-images-privacy.test.ts': 14,
  'test/cli/regions.test.ts': 13,
  'test/pipeline/bad-slides.test.ts': 13,
  'test/store/pglite-template.test.ts': 12,
  'test/pipeline/qc.test.ts': 12,
  'test/pipeline/whole-field-pale.test.ts': 11,
  'test/eval/qc-clean-slides.test.ts': 11,
  'test/score/rescore-accuracy.test.ts': 10,
};

export default class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const weight = (f: TestSpecification) => SECONDS[relative(root, f.moduleId).split('\\').join('/')] ?? 0;
    return [...files].sort((a, b) => weight(b) - weight(a));
  }
}
