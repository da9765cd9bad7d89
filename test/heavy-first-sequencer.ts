import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files by how long they took in the suite (seconds, 2026-12-07, a fresh-clone CI run at 4030e9c; those of 7 s and more), longest first, whatever their tier: a
 * fresh checkout has no vitest timing cache, and the default order (tier by tier, larger files first)
 * left a minute-long file for the end while the other worker sat idle. Files not listed run after.
 */
const SECONDS: Record<string, number> = {
  'test/cohort/demo-cohort.test.ts': 88,
  'test/train/from-corrections.test.ts': 87,
  'test/cli/cohort.test.ts': 56,
  'test/eval/lab-realism.test.ts': 55,
  'test/service/faults.test.ts': 51,
  'test/web/submit.test.ts': 41,
  'test/eval/detector-realism.test.ts': 41,
  'test/service/service-mode.test.ts': 40,
  'test/eval/muscle-wide.test.ts': 38,
  'test/golden/golden-scores.test.ts': 35,
  'test/cli/review.test.ts': 35,
  'test/cli/analyze.test.ts': 30,
  'test/web/review.test.ts': 24,
  'test/web/viewer.test.ts': 23,
  'test/eval/muscle-heldout.test.ts': 23,
  'test/slide/scanner-formats-pipeline.test.ts': 22,
  'test/cli/demo.test.ts': 22,
  'test/eval/qc.test.ts': 18,
  'test/slide/dicom/dicom-analysis-parity.test.ts': 17,
  'test/eval/marker-compartment.test.ts': 17,
  'test/eval/heldout.test.ts': 17,
  'test/eval/lab-light.test.ts': 16,
  'test/api/serve.test.ts': 16,
  'test/api/associated-images-privacy.test.ts': 16,
  'test/pipeline/slide-budget.test.ts': 14,
  'test/pipeline/hostile-batch.test.ts': 14,
  'test/eval/detector-compare.test.ts': 14,
  'test/api/load-smoke.test.ts': 14,
  'test/pipeline/seams.test.ts': 13,
  'test/eval/glass-free-vessels.test.ts': 13,
  'test/cli/train.test.ts': 13,
  'test/cli/regions.test.ts': 13,
  'test/pipeline/whole-field-pale.test.ts': 12,
  'test/cli/validate.test.ts': 12,
  'test/synthetic/muscle/scene.test.ts': 11,
  'test/pipeline/qc.test.ts': 11,
  'test/store/pglite.test.ts': 10,
  'test/store/pglite-template.test.ts': 10,
  'test/pipeline/bad-slides.test.ts': 10,
  'test/eval/qc-clean-slides.test.ts': 10,
  'test/web/viewer-ndpi.test.ts': 9,
  'test/web/viewer-dicom.test.ts': 9,
  'test/score/rescore-accuracy.test.ts': 8,
  'test/score/muscle-accuracy.test.ts': 8,
};

export default class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const weight = (f: TestSpecification) => SECONDS[relative(root, f.moduleId).split('\\').join('/')] ?? 0;
    return [...files].sort((a, b) => weight(b) - weight(a));
  }
}
