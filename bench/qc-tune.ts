// QC tuning on seeds < 100 (never the held-out 4000+): regions laid out like the held-out lists in
// src/eval/qc.ts (qcArtefactCases / qcCleanCases), at the tuning seed bases. Rendered regions are
// cached under QC_TUNE_CACHE (default /tmp/qc-tune-cache) so reruns cost only the QC itself.
//   npx tsx bench/qc-tune.ts [artefact|clean|all] [base,base,...]   (QC_VERBOSE=1: per region)
// Parameter overrides: QC_PARAMS='{"foldRatio":1.4}' (merged into params.qc).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { resolveParams } from '../src/domain/params.js';
import { QC_CAUSE_IDS } from '../src/domain/qc.js';
import { addTally, emptyTally, evaluateQcCase, formatQcTally, qcArtefactCases, qcCleanCases, QC_TUNING_BASES } from '../src/eval/qc.js';
import { renderQcCase, type QcCase, type QcCaseSpec } from '../src/eval/qc-cases.js';

const cacheDir = process.env.QC_TUNE_CACHE ?? '/tmp/qc-tune-cache';
async function cachedQcCase(spec: QcCaseSpec): Promise<QcCase> {
  mkdirSync(cacheDir, { recursive: true });
  const key = `${cacheDir}/${Buffer.from(JSON.stringify(spec)).toString('base64url')}.v8`;
  if (existsSync(key)) return deserialize(readFileSync(key)) as QcCase;
  const c = await renderQcCase(spec);
  writeFileSync(key, serialize(c));
  return c;
}

const which = process.argv[2] ?? 'all';
const bases = process.argv[3] ? process.argv[3].split(',').map(Number) : [...QC_TUNING_BASES];
if (bases.some((b) => !(b >= 0 && b + 14 < 100))) throw new Error('tuning seeds must stay < 100');
// every cause, folds included (the default leaves folds out)
const qc = resolveParams({ qc: { causes: [...QC_CAUSE_IDS], ...JSON.parse(process.env.QC_PARAMS ?? '{}') } }).qc;
const verbose = process.env.QC_VERBOSE === '1';

for (const set of which === 'all' ? ['artefact', 'clean'] : [which]) {
  const total = emptyTally();
  for (const b of bases) {
    for (const spec of set === 'artefact' ? qcArtefactCases(b) : qcCleanCases(b)) {
      const r = evaluateQcCase(await cachedQcCase(spec), qc);
      addTally(total, r);
      if (verbose) {
        const parts = (['focus', 'fold'] as const).filter((c) => r.truth[c] > 0).map((c) => `${c} ${(r.right[c] / r.truth[c]).toFixed(2)}`);
        console.log(`  ${spec.kind} ${spec.seed}: clean excl ${((100 * r.cleanFlagged) / Math.max(1, r.cleanTissue)).toFixed(2)}% (focus ${((100 * r.cleanBy.focus) / Math.max(1, r.cleanTissue)).toFixed(2)}, fold ${((100 * r.cleanBy.fold) / Math.max(1, r.cleanTissue)).toFixed(2)}) ${parts.join(' ')}`);
      }
    }
  }
  console.log(`== ${set} (bases ${bases.join(',')})\n${formatQcTally(total)}`);
}
