// One analyze batch in a process of its own, for bench/soak/hostile.ts: reads a JSON list of
// { path, metadata } from the file named by argv[2], runs it through runSlides (the code path of
// `biopsy-quant analyze`, embedded mode, 2 worker threads, no store) and writes one JSON line of
// outcomes to stdout: ok slides with their scores, failed ones with code and message.
import { readFile } from 'node:fs/promises';
import { runSlides, type SlideRequest } from '../../src/cli/run-slides.js';
import { threadPoolExecutor } from '../../src/pipeline/executor.js';
import { budgetFromConfig } from '../../src/pipeline/slide-budget.js';
import { loadConfig } from '../../src/runtime/config.js';

const requests = JSON.parse(await readFile(process.argv[2], 'utf8'), (_k, v) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v)) as SlideRequest[];
// the per-slide budget as `analyze` sets it from the environment
const executor = threadPoolExecutor({ threads: 2, budget: budgetFromConfig(loadConfig()) });
try {
  const outcomes = await runSlides(requests, { params: {}, executor, progress: false });
  const rows = outcomes.map((o) => (o.ok ? { path: o.path, ok: true, scores: o.scores } : { path: o.path, ok: false, code: o.code, error: o.error }));
  process.stdout.write(`${JSON.stringify(rows)}\n`);
} finally {
  await executor.close();
}
