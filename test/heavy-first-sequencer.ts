import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files by how long they took in the suite (seconds, 2026-12-07, a fresh-clone CI run at 1908818; those of 7 s and more), longest first, whatever their tier: a
 * fresh checkout has no vitest timing cache, and the default order (tier by tier, larger files first)
 * left a minute-long file for the end while the other worker sat idle. Files not listed run after.
 */
const SECONDS: Record<string, number> = {
  'test/train/from-corrections.test.ts': 84,
  'test/cohort/demo-cohort.test.ts': 70,
  'test/service/faults.test.ts': 48,
  'test/eval/lab-realism.test.ts': 47,
  'test/service/service-mode.test.ts': 42,
  'test/web/submit.test.ts': 37,
  'test/cli/cohort.test.ts': 35,
  'test/golden/golden-scores.test.ts': 29,
  'test/eval/detector-realism.test.ts': 28,
  'test/eval/muscle-wide.test.ts': 26,
  'test/eval/muscle-heldout.test.ts': 24,
  'test/cli/analyze.test.ts': 23,
  'test/web/review.test.ts': 20,
  'test/cli/review.test.ts': 20,
  'test/slide/scanner-formats-pipeline.test.ts': 20,
  'test/web/viewer.test.ts': 17,
  'test/cli/demo.test.ts': 15,
  'test/eval/qc.test.ts': 15,
  'test/api/load-smoke.test.ts': 14,
  'test/eval/glass-free-vessels.test.ts': 14,
  'test/eval/lab-light.test.ts': 14,
  'test/slide/dicom/dicom-analysis-parity.test.ts': 14,
  'test/pipeline/slide-budget.test.ts': 14,
  'test/cli/cli-bundle.test.ts': 13,
  'test/eval/heldout.test.ts': 13,
  'test/eval/marker-compartment.test.ts': 13,
  'test/pipeline/seams.test.ts': 11,
  'test/pipeline/hostile-batch.test.ts': 11,
  'test/api/associated-images-privacy.test.ts': 11,
  'test/eval/qc-clean-slides.test.ts': 10,
  'test/synthetic/muscle/scene.test.ts': 10,
  'test/pipeline/whole-field-pale.test.ts': 9,
  'test/store/pglite-template.test.ts': 9,
  'test/pipeline/bad-slides.test.ts': 9,
  'test/api/serve.test.ts': 9,
  'test/eval/detector-compare.test.ts': 9,
  'test/store/pglite.test.ts': 8,
  'test/cli/regions.test.ts': 8,
  'test/pipeline/qc.test.ts': 8,
  'test/score/muscle-accuracy.test.ts': 7,
};

export default class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const weight = (f: TestSpecification) => SECONDS[relative(root, f.moduleId).split('\\').join('/')] ?? 0;
    return [...files].sort((a, b) => weight(b) - weight(a));
  }
}
