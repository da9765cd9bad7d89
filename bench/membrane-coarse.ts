// Issue 15: membrane grading on the held-out 1 µm/px scans of the detectors-realism set, classical
// detector, under grading variants: VARIANTS='{"name":{params}}' (default the registry's own),
// MARKERS (default CD4,CD8,CD3), ROUNDS (default 3). Prints truth and found H-score per slide.
//   VARIANTS='{"base":{},"top10":{"ringUpperFraction":0.1},"cell":{"compartment":"cell"}}' npx tsx bench/membrane-coarse.ts
import { DETECTOR_REALISM_CONDITIONS, detectorRealismCases } from '../src/eval/detector-realism.js';
import { prepareLabRealismCase, finishLabRealismCase } from '../src/eval/lab-realism.js';
import { threadPoolExecutor } from '../src/pipeline/executor.js';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
const cond = DETECTOR_REALISM_CONDITIONS.filter((c) => c.name === (process.env.COND ?? 'fibrous stroma, scanned 1 µm/px'));
const markers = (process.env.MARKERS ?? 'CD4,CD8,CD3').split(',');
const items = detectorRealismCases(cond, Number(process.env.ROUNDS ?? 3)).filter((it) => markers.includes(it.c.marker));
const variants: Record<string, object> = JSON.parse(process.env.VARIANTS ?? '{"base":{}}');
const executor = threadPoolExecutor({ threads: 2 });
const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-um1-'));
for (const it of items) {
  const prep = await prepareLabRealismCase(it.c, dir, it.size);
  const parts: string[] = [];
  for (const [name, params] of Object.entries(variants)) {
    const r = await finishLabRealismCase({ ...prep, row: { ...prep.row } }, executor, { detector: 'classical', ...params });
    parts.push(`${name}: F1 ${r.nuclei?.f1.toFixed(3)} H ${r.hScore?.found.toFixed(1)}`);
    if (name === Object.keys(variants)[0]) parts.unshift(`truth H ${r.hScore?.truth.toFixed(1)}`);
  }
  console.log(`${it.c.seed} ${it.c.marker} | ${parts.join(' | ')}`);
}
await executor.close();
