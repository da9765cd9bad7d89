// Glass-free muscle sections (issue 18 / lumens): perivascular recall and tissue area, tuning seeds
// only. Run: npx tsx bench/glass-free-lumens.ts [wide|demo|all]
import { threadPoolExecutor } from '../src/pipeline/executor.js';
import { evaluateMuscleScenes, labPhotoMuscleScene, wideMuscleScene, WIDE_MUSCLE_TUNING_SEEDS } from '../src/eval/muscle-wide.js';
import type { MuscleOptionsInput } from '../src/synthetic/muscle/index.js';

const which = process.argv[2] ?? 'all';
const scenes: MuscleOptionsInput[] = [];
if (which !== 'demo') scenes.push(...WIDE_MUSCLE_TUNING_SEEDS.map((s, i) => wideMuscleScene(s, i)));
if (which !== 'wide') scenes.push(...[21, 22, 104].flatMap((s) => [labPhotoMuscleScene(s), labPhotoMuscleScene(s, 60)]));
const executor = threadPoolExecutor({ threads: 2 });
try {
  await evaluateMuscleScenes(scenes, {
    executor,
    onRow: (r) => {
      const e = r.evaluation;
      const glass = (r.scene.sectionMarginUm ?? 0) > 0 ? 'glass' : 'none';
      if (!e) return console.log(r.seed, glass, 'failed', r.error);
      const pv = e.location.perivascular;
      const a = e.base.tissueAreaMm2;
      console.log(r.seed, glass, r.marker, `perivasc ${pv.correct}/${pv.matched}`, `endo ${e.location.endomysial.correct}/${e.location.endomysial.matched}`, `peri ${e.location.perimysial.correct}/${e.location.perimysial.matched}`, `area ${a.found.toFixed(4)}/${a.truth.toFixed(4)} (${(100 * (a.found / a.truth - 1)).toFixed(2)}%)`, `F1 ${e.base.fibres.f1.toFixed(3)}`, `${r.seconds.toFixed(0)}s`);
    },
  });
} finally {
  await executor.close();
}
