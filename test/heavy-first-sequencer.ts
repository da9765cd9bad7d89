import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files by how long they took in CI (seconds, 2026-12-05), longest first, whatever their tier: a
 * fresh checkout has no vitest timing cache, and the default order (tier by tier, larger files first)
 * left a minute-long file for the end while the other worker sat idle. Files not listed run after.
 */
const SECONDS: Record<string, number> = {
  'test/cohort/demo-cohort.test.ts': 108,
  'test/eval/lab-realism.test.ts': 93,
  'test/eval/muscle-heldout.test.ts': 34,
  'test/cli/cohort.test.ts': 50,
  // issue 14 (2026-12-06): the fault drills start their own Redis, PostgreSQL and workers
  'test/service/faults.test.ts': 78,
  'test/api/load-smoke.test.ts': 16,
  'test/pipeline/slide-budget.test.ts': 15,
  'test/eval/muscle-wide.test.ts': 27,
  'test/service/service-mode.test.ts': 44,
  'test/golden/golden-scores.test.ts': 42,
  'test/cli/analyze.test.ts': 35,
  'test/cli/review.test.ts': 34,
  'test/cli/demo.test.ts': 32,
  'test/slide/scanner-formats-pipeline.test.ts': 27,
  'test/eval/lab-light.test.ts': 18,
  'test/pipeline/seams.test.ts': 11,
  'test/web/viewer.test.ts': 24,
  'test/eval/heldout.test.ts': 23,
  'test/eval/qc.test.ts': 20,
  'test/api/serve.test.ts': 20,
  'test/slide/dicom/dicom-analysis-parity.test.ts': 20,
  'test/web/review.test.ts': 20,
  'test/eval/glass-free-vessels.test.ts': 19,
  'test/api/associated-images-privacy.test.ts': 19,
  'test/eval/qc-clean-slides.test.ts': 18,
  'test/pipeline/bad-slides.test.ts': 16,
  'test/pipeline/hostile-batch.test.ts': 16,
  'test/eval/marker-compartment.test.ts': 16,
  'test/store/pglite.test.ts': 16,
  'test/eval/detector-compare.test.ts': 14,
  'test/cli/regions.test.ts': 12,
  'test/pipeline/qc.test.ts': 12,
  'test/score/rescore-accuracy.test.ts': 11,
};

export default class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const weight = (f: TestSpecification) => SECONDS[relative(root, f.moduleId).split('\\').join('/')] ?? 0;
    return [...files].sort((a, b) => weight(b) - weight(a));
  }
}
