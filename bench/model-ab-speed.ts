// Two nucleus-model versions on the same 1024² hematoxylin plane, one thread, interleaved six times:
// the best time of each. Weights change nothing in a network's cost; this shows it where a shared
// machine makes bench/detector-speed.ts's absolute MP/s unreliable. Usage: npx tsx bench/model-ab-speed.ts [version]
import { resolveParams } from '../src/domain/params.js';
import { detectNucleiWithModel, loadNucleusModel } from '../src/detect/model.js';
import { NUCLEUS_MODEL_DIR } from '../src/detect/model-id.js';
import { sceneSample } from '../src/train/model-scene-data.js';
const m = { new: await loadNucleusModel(NUCLEUS_MODEL_DIR, 'wasm'), old: await loadNucleusModel(`${NUCLEUS_MODEL_DIR}/versions/${process.argv[2] ?? 'ef92705220c3'}`, 'wasm') };
const s = sceneSample(11, 1024);
const p = resolveParams({}).nucleus;
const best: Record<string, number> = { new: Infinity, old: Infinity };
for (let r = 0; r < 6; r++) for (const k of ['new', 'old'] as const) {
  const t0 = performance.now();
  const n = detectNucleiWithModel(s.hematoxylin, 0.5, m[k], p).nuclei.length;
  const dt = performance.now() - t0;
  best[k] = Math.min(best[k], dt);
  if (r === 5) console.log(k, 'nuclei', n);
}
console.log('best ms per 1024² plane', best, 'new/old time', (best.new / best.old).toFixed(3));
