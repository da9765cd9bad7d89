import { defineConfig } from 'vitest/config';
import HeavyFirstSequencer from './test/heavy-first-sequencer.js';

/**
 * Three tiers (`npx vitest run --project unit` runs the fast one in seconds; `npm test` runs all):
 * - acceptance: accuracy against planted ground truth on whole slides, held-out evaluations, the
 *   demo cohort end to end, the golden scores;
 * - integration: real files, databases, Redis, worker processes, HTTP, the browser;
 * - unit: pure functions on small arrays, everything else.
 */
const ACCEPTANCE = [
  'test/eval/heldout.test.ts',
  'test/eval/muscle-heldout.test.ts',
  'test/eval/muscle-wide.test.ts',
  'test/eval/glass-free-vessels.test.ts',
  'test/eval/detector-compare.test.ts',
  'test/eval/detector-realism.test.ts',
  'test/eval/lab-light.test.ts',
  'test/eval/lab-realism.test.ts',
  'test/eval/qc.test.ts',
  'test/eval/qc-clean-slides.test.ts',
  'test/golden/**/*.test.ts',
  'test/cohort/demo-cohort.test.ts',
  'test/demo/demo-raters.test.ts',
  'test/detect/accuracy.test.ts',
  'test/score/muscle-accuracy.test.ts',
  'test/pipeline/seams.test.ts',
  'test/train/from-corrections.test.ts',
];
const INTEGRATION = [
  'test/api/**/*.test.ts',
  'test/cli/**/*.test.ts',
  'test/service/**/*.test.ts',
  'test/store/**/*.test.ts',
  'test/web/**/*.test.ts',
  'test/queue/flow.test.ts',
  'test/queue/processors.test.ts',
  'test/pipeline/bad-slides.test.ts',
  'test/pipeline/hostile-batch.test.ts',
  'test/pipeline/slide-reader-provenance.test.ts',
  'test/pipeline/qc.test.ts',
  'test/slide/**/*.test.ts',
  'test/synthetic/**/*.test.ts',
  'test/cohort/research-rows.test.ts',
  'test/cohort/export-geojson.test.ts',
  'test/detect/model.test.ts',
];
const ALL = ['test/**/*.test.ts'];
/** files that mock a module (vi.mock): they need a module graph of their own */
const MOCKING = ['test/api/security-tokens.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Image analysis tests are CPU-heavy; two cores on CI.
    pool: 'forks',
    maxWorkers: 2,
    sequence: { sequencer: HeavyFirstSequencer },
    projects: [
      // pure functions on small arrays, no mocks: one module graph per worker instead of one per file
      { extends: true, test: { name: 'unit', include: ALL, exclude: [...ACCEPTANCE, ...INTEGRATION], isolate: false } },
      // integration and acceptance files share their worker's module graph too (each closes what it
      // opens); importing the pipeline, the store and fastify afresh per file cost ~45 s of the suite
      { extends: true, test: { name: 'integration', include: INTEGRATION, exclude: [...ACCEPTANCE, ...MOCKING], isolate: false } },
      { extends: true, test: { name: 'integration-isolated', include: MOCKING } },
      { extends: true, test: { name: 'acceptance', include: ACCEPTANCE, isolate: false } },
    ],
  },
});
