// npm run eval's 'detectors-realism' set (issue 15): classical vs learned nucleus detector on the
// held-out lab-realism cell slides, per condition (lab realism; + fibrous stroma; + 0.25 / 1 µm/px
// scans), each slide analysed by both through the whole pipeline; printed side by side.
import Table from 'cli-table3';
import type { TileExecutor } from '../src/pipeline/executor.js';
import {
  DETECTOR_REALISM_ACCEPTANCE as A,
  DETECTOR_REALISM_CONDITIONS,
  detectorRealismCases,
  detectorRealismFailures,
  evaluateDetectorRealism,
  summariseDetectorRealism,
} from '../src/eval/detector-realism.js';
import type { LabRealismRow } from '../src/eval/lab-realism.js';

export async function evalDetectorRealism(executor: TileExecutor, rounds: number, size: number, modelVersion?: string): Promise<boolean> {
  const items = detectorRealismCases(DETECTOR_REALISM_CONDITIONS, rounds, size);
  if (modelVersion) console.log(`\n(model: version ${modelVersion} under models/nuclei-unet/versions/)`);
  console.log(`\nNucleus detectors side by side on held-out lab-realism cell slides (${items.length / DETECTOR_REALISM_CONDITIONS.length} seeds × ${DETECTOR_REALISM_CONDITIONS.length} conditions, a ${size * 0.5} µm field (${size}² at 0.5 µm/px), full pipeline, QC on):`);
  const rows = await evaluateDetectorRealism(items, { executor, ...(modelVersion ? { params: { modelVersion } } : {}), onRow: (r) => process.stderr.write(`  ${r.condition} seed ${r.case.seed} ${r.case.marker}: classical F1 ${r.classical.nuclei?.f1.toFixed(3)} ${r.classical.seconds.toFixed(1)} s, model F1 ${r.model.nuclei?.f1.toFixed(3)} ${r.model.seconds.toFixed(1)} s\n`) });
  const f = (r: LabRealismRow) => (r.error ? 'failed' : r.nuclei ? `${r.nuclei.f1.toFixed(3)} (${r.nuclei.precision.toFixed(3)}, ${r.nuclei.recall.toFixed(3)})` : '—');
  const h = (r: LabRealismRow) => (r.hScore ? r.hScore.found.toFixed(1) : '—');
  const t = new Table({ head: ['condition', 'seed', 'marker', 'drift°', 'JPEG', 'cells', 'classical F1 (P, R)', 'model F1 (P, R)', 'H true', 'H classical', 'H model'], style: { head: [], border: [] } });
  for (const r of rows) {
    t.push([r.condition, r.case.seed, r.case.marker, r.classical.lab.stainJitterDeg.toFixed(1), r.classical.lab.jpegQuality, r.classical.nuclei?.truth ?? '—', f(r.classical), f(r.model), r.classical.hScore?.truth.toFixed(1) ?? '—', h(r.classical), h(r.model)]);
  }
  console.log(t.toString());
  const s = new Table({ head: ['condition', 'slides', 'classical F1 (P, R)', 'model F1 (P, R)', 'H err classical mean/max', 'H err model mean/max', 'model passes'], style: { head: [], border: [] } });
  const summaries = summariseDetectorRealism(rows);
  const side = (d: (typeof summaries)[number]['model']) => `${d.f1.toFixed(3)} (${d.precision.toFixed(3)}, ${d.recall.toFixed(3)})`;
  for (const m of summaries) {
    const fails = detectorRealismFailures(m);
    s.push([m.condition, m.slides, side(m.classical), side(m.model), `${m.classical.hScoreErr.toFixed(1)} / ${m.classical.maxHScoreErr.toFixed(1)}`, `${m.model.hScoreErr.toFixed(1)} / ${m.model.maxHScoreErr.toFixed(1)}`, fails.length ? `no: ${fails.join('; ')}` : 'yes']);
  }
  console.log(`Per condition (means over slides; bars for the model: F1 ≥ ${A.f1}, ≥ classical − ${A.f1BelowClassical}, H-score within ${A.hScorePoints} points):`);
  console.log(s.toString());
  return summaries.every((m) => detectorRealismFailures(m).length === 0);
}
