// npm run eval — accuracy on held-out synthetic slides (seeds never used in tuning), full pipeline.
import Table from 'cli-table3';
import { ACCEPTANCE } from '../src/eval/evaluate-slide.js';
import { HELDOUT_SEED_BASE, evaluateSeeds } from '../src/eval/heldout.js';
import { threadPoolExecutor } from '../src/pipeline/executor.js';

const count = Number(process.env.EVAL_SLIDES ?? 12);
const size = Number(process.env.EVAL_SIZE ?? 2048);
const seeds = Array.from({ length: count }, (_, i) => HELDOUT_SEED_BASE + i);
const executor = threadPoolExecutor();

const table = new Table({
  head: ['seed', 'format', 'cells', 'F1', 'prec', 'recall', 'pos/neg', 'grade', 'H true/found', '% area true/found', 'density rel err', 's'],
  style: { head: [], border: [] },
});
console.log(`Held-out evaluation: ${count} synthetic slides ${size}×${size} px at 0.5 µm/px, seeds ${seeds[0]}–${seeds[seeds.length - 1]}`);
try {
  const rows = await evaluateSeeds(seeds, {
    executor,
    size,
    onRow: (r) => process.stderr.write(`  seed ${r.seed} done (${r.seconds.toFixed(1)} s)\n`),
  });
  for (const r of rows) {
    const e = r.evaluation;
    table.push([
      r.seed,
      r.format,
      e.truthCells,
      e.f1.toFixed(3),
      e.precision.toFixed(3),
      e.recall.toFixed(3),
      e.posNegAccuracy.toFixed(3),
      e.gradeAccuracy.toFixed(3),
      `${e.hScore.truth.toFixed(1)}/${e.hScore.found.toFixed(1)}`,
      `${e.pctPositiveArea.truth.toFixed(2)}/${e.pctPositiveArea.found.toFixed(2)}`,
      `${(e.density.relError * 100).toFixed(2)}%`,
      r.seconds.toFixed(1),
    ]);
  }
  console.log(table.toString());
  const ev = rows.map((r) => r.evaluation);
  const min = (f: (e: (typeof ev)[number]) => number) => Math.min(...ev.map(f));
  const max = (f: (e: (typeof ev)[number]) => number) => Math.max(...ev.map(f));
  const mean = (f: (e: (typeof ev)[number]) => number) => ev.reduce((s, e) => s + f(e), 0) / ev.length;
  console.log('\nSummary (worst slide | mean)            bar');
  console.log(`  nucleus F1 (4 µm, one-to-one)  ${min((e) => e.f1).toFixed(3)} | ${mean((e) => e.f1).toFixed(3)}   ≥ ${ACCEPTANCE.f1}`);
  console.log(`  positive/negative accuracy     ${min((e) => e.posNegAccuracy).toFixed(3)} | ${mean((e) => e.posNegAccuracy).toFixed(3)}   ≥ ${ACCEPTANCE.posNegAccuracy}`);
  console.log(`  1+/2+/3+ grade accuracy        ${min((e) => e.gradeAccuracy).toFixed(3)} | ${mean((e) => e.gradeAccuracy).toFixed(3)}   ≥ ${ACCEPTANCE.gradeAccuracy}`);
  console.log(`  H-score error (points)         ${max((e) => e.hScore.error).toFixed(2)} | ${mean((e) => e.hScore.error).toFixed(2)}   ≤ ${ACCEPTANCE.hScorePoints}`);
  console.log(`  % positive area error (pp)     ${max((e) => e.pctPositiveArea.error).toFixed(2)} | ${mean((e) => e.pctPositiveArea.error).toFixed(2)}   ≤ ${ACCEPTANCE.pctPositiveAreaPoints}`);
  console.log(`  density error                  ${(max((e) => e.density.relError) * 100).toFixed(2)}% | ${(mean((e) => e.density.relError) * 100).toFixed(2)}%   ≤ ${ACCEPTANCE.densityRelative * 100}%`);
  const failing = rows.filter((r) => r.failures.length);
  if (failing.length) {
    console.log(`\n${failing.length} slide(s) miss a bar:`);
    for (const r of failing) console.log(`  seed ${r.seed}: ${r.failures.join('; ')}`);
    process.exitCode = 1;
  } else {
    console.log(`\nAll ${rows.length} held-out slides meet every bar.`);
  }
} finally {
  await executor.close();
}
