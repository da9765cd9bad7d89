// The widened muscle set of issue 18 for `npm run eval`: held-out seeds, full pipeline, per-slide bars.
import Table from 'cli-table3';
import type { TileExecutor } from '../src/pipeline/executor.js';
import { CELL_LOCATIONS } from '../src/synthetic/muscle/index.js';
import { WIDE_MUSCLE_ACCEPTANCE as W, WIDE_MUSCLE_SEED_BASE, evaluateWideMuscleSeeds, wideMuscleFailures, type WideMuscleRow } from '../src/eval/muscle-wide.js';

export function formatWideMuscleRows(rows: readonly WideMuscleRow[]): string {
  const t = new Table({
    head: ['seed', 'marker', 'px', 'µm/px', 'glass', 'fibres', 'fasc', 'fibre F1', 'Feret err', 'endo / peri / perivasc recall', 'density found/true (endo, peri, perivasc)', 'MHC-I grade', 's'],
    style: { head: [], border: [] },
  });
  for (const r of rows) {
    const e = r.evaluation;
    const glass = (r.scene.sectionMarginUm ?? 0) > 0 ? String(r.scene.sectionShape ?? 'rect') : 'none';
    if (!e) {
      t.push([r.seed, r.marker, r.scene.width, (r.scene.mpp as number).toFixed(2), glass, r.fibres, r.fascicles, { colSpan: 5, content: `failed: ${r.error}` }, r.seconds.toFixed(1)]);
      continue;
    }
    const rec = CELL_LOCATIONS.map((l) => `${e.location[l].correct}/${e.location[l].matched}`).join(' ');
    const dens = e.density ? CELL_LOCATIONS.map((l) => `${e.density![l].found.toFixed(0)}/${e.density![l].truth.toFixed(0)}`).join(' ') : '';
    const mhc = e.base.mhc1 ? `${e.base.mhc1.grade}/${e.base.mhc1.truthGrade}` : '';
    t.push([r.seed, r.marker, r.scene.width, (r.scene.mpp as number).toFixed(2), glass, r.fibres, r.fascicles, e.base.fibres.f1.toFixed(3), `${(100 * e.base.fibres.medianFeretRelErr).toFixed(1)}%`, rec, dens, mhc, r.seconds.toFixed(1)]);
  }
  return t.toString();
}

export async function evalMuscleWide(executor: TileExecutor, n: number): Promise<void> {
  const seeds = Array.from({ length: n }, (_, i) => WIDE_MUSCLE_SEED_BASE + i);
  console.log(`\nWidened synthetic muscle (issue 18; held-out seeds ${seeds[0]}–${seeds[n - 1]}; fibres 10–120 µm, rounded, necrotic, septa/endomysium/vessels/contrast varied, glass or none; full pipeline)`);
  console.log(`  bars per slide: fibre F1 ≥ ${W.fibreF1} at IoU ≥ 0.5, Feret error ≤ ${W.feretRelErr * 100}%, location recall ≥ ${W.locationRecall} each, densities within ${W.densityRelErr * 100}% (locations with ≥ ${W.densityMinCells} cells), MHC-I grade exact`);
  const rows = await evaluateWideMuscleSeeds(seeds, { executor, onRow: (r) => process.stderr.write(`  wide muscle seed ${r.seed} done (${r.seconds.toFixed(1)} s)\n`) });
  console.log(formatWideMuscleRows(rows));
  const failing = rows.filter((r) => wideMuscleFailures(r).length);
  for (const r of failing) console.log(`  seed ${r.seed} ${r.marker}: ${wideMuscleFailures(r).join('; ')}`);
  console.log(`  ${rows.length - failing.length}/${rows.length} widened slides meet every bar`);
  if (failing.length) process.exitCode = 1;
}
