// Tuning aid for issue 18: the widened muscle generator on its tuning seeds (WIDE_MUSCLE_TUNING_SEEDS,
// never the held-out 6000+), full pipeline, per slide and pooled: fibre F1, location recall per
// class, densities, and the failed bars. P='{"location":{"fascicleCloseUm":30}}' lays analysis
// parameters over every marker's; OVERLAY=<seed> also writes /tmp/muscle-wide-<seed>.png (planted
// fibres green, found red, inflammatory cells located otherwise than planted circled yellow).
//   npx tsx bench/tune-muscle-wide.ts
import { WIDE_MUSCLE_TUNING_SEEDS, evaluateMuscleScenes, wideMuscleFailures, wideMuscleScene } from '../src/eval/muscle-wide.js';
import { threadPoolExecutor } from '../src/pipeline/executor.js';
import { CELL_LOCATIONS } from '../src/synthetic/muscle/index.js';
import { writeMuscleOverlay } from './muscle-overlay.js';

const params = JSON.parse(process.env.P ?? '{}');
const overlay = process.env.OVERLAY ? Number(process.env.OVERLAY) : null;
const executor = threadPoolExecutor({ threads: 2 });
const scenes = WIDE_MUSCLE_TUNING_SEEDS.map((s, i) => wideMuscleScene(s, i));
const rows = await evaluateMuscleScenes(scenes, { executor, params });
const pooled = Object.fromEntries(CELL_LOCATIONS.map((l) => [l, { correct: 0, matched: 0 }]));
let f1 = 0;
let failing = 0;
for (const r of rows) {
  const e = r.evaluation;
  const fails = wideMuscleFailures(r);
  if (fails.length) failing++;
  if (e) {
    f1 += e.base.fibres.f1;
    for (const l of CELL_LOCATIONS) {
      pooled[l].correct += e.location[l].correct;
      pooled[l].matched += e.location[l].matched;
    }
  }
  const rec = e ? CELL_LOCATIONS.map((l) => `${e.location[l].correct}/${e.location[l].matched}`).join(' ') : '-';
  const dens = e?.density ? CELL_LOCATIONS.map((l) => `${e.density![l].found.toFixed(0)}/${e.density![l].truth.toFixed(0)}`).join(' ') : '';
  console.log(`seed ${r.seed} ${r.marker} ${r.format}: fibre F1 ${e?.base.fibres.f1.toFixed(3) ?? '-'}, recall ${rec}${dens ? `, density ${dens}` : ''}${fails.length ? ` — ${fails.join('; ')}` : ''}`);
}
const pct = (l: string) => (pooled[l].matched ? pooled[l].correct / pooled[l].matched : 1).toFixed(3);
console.log(`pooled ${JSON.stringify(params)}: ${CELL_LOCATIONS.map((l) => `${l} ${pct(l)}`).join(', ')}; mean fibre F1 ${(f1 / rows.length).toFixed(4)}; ${failing}/${rows.length} slides fail a bar`);
if (overlay !== null) {
  const i = WIDE_MUSCLE_TUNING_SEEDS.indexOf(overlay);
  if (i < 0) throw new Error(`OVERLAY=${overlay} is not a tuning seed`);
  console.log(`overlay: ${await writeMuscleOverlay(scenes[i], i, executor, params, `/tmp/muscle-wide-${overlay}.png`)}`);
}
await executor.close();
