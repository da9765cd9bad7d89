// Scratch look at one tuning region (seed < 100): the image with truth and QC masks drawn on it.
//   npx tsx bench/qc-look.ts cells 34 [clean]  writes /tmp/qc-look-<kind>-<seed>.png (regions cached by bench/qc-tune.ts are reused)
// Red tint: fold flagged; blue tint: focus flagged; yellow: truth fold; cyan: truth focus.
import { existsSync, readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import sharp from 'sharp';
import { resolveParams } from '../src/domain/params.js';
import { QC_CAUSE_IDS } from '../src/domain/qc.js';
import { qcSlide, qcTile } from '../src/detect/qc/index.js';
import { qcArtefactCases, qcCleanCases, QC_TUNING_BASES } from '../src/eval/qc.js';
import { QC_BIT, renderQcCase, type QcCase, type QcCaseSpec } from '../src/eval/qc-cases.js';

const kind = process.argv[2] as 'cells' | 'muscle';
const seed = Number(process.argv[3]);
const clean = process.argv[4] === 'clean';
const spec: QcCaseSpec | undefined = QC_TUNING_BASES.flatMap((b) => (clean ? qcCleanCases(b) : qcArtefactCases(b))).find((s) => s.kind === kind && s.seed === seed);
if (!spec) throw new Error(`no tuning region ${kind} ${seed}${clean ? ' clean' : ''} (tuning seeds only)`);
const key = `/tmp/qc-tune-cache/${Buffer.from(JSON.stringify(spec)).toString('base64url')}.v8`;
const c: QcCase = existsSync(key) ? (deserialize(readFileSync(key)) as QcCase) : await renderQcCase(spec);
// every cause, folds included (the default leaves folds out)
const qc = resolveParams({ qc: { causes: [...QC_CAUSE_IDS], ...JSON.parse(process.env.QC_PARAMS ?? '{}') } }).qc;
const tile = qcTile({ rgb: c.rgb, mpp: c.mpp, i0: c.i0, stain: c.stain, muscle: kind === 'muscle' }, qc);
const m = qcSlide([tile], qc).masks[0];
const { width: w, height: h } = c.rgb;
const out = Buffer.from(c.rgb.data);
for (let y = 0; y < h; y++) {
  for (let x = 0; x < w; x++) {
    const p = y * w + x;
    const b = Math.floor(y / tile.blockPx) * tile.stats.cols + Math.floor(x / tile.blockPx);
    const o = 3 * p;
    if (m.fold[b]) out[o] = Math.min(255, out[o] + 60);
    if (m.focus[b]) out[o + 2] = Math.min(255, out[o + 2] + 60);
    const edge = (bit: number): boolean => (c.inside[p] & bit) !== 0 && ((x > 0 && !(c.inside[p - 1] & bit)) || (y > 0 && !(c.inside[p - w] & bit)));
    if (edge(QC_BIT.fold)) out.set([255, 255, 0], o);
    if (edge(QC_BIT.focus)) out.set([0, 255, 255], o);
  }
}
const file = `/tmp/qc-look-${kind}-${seed}${clean ? '-clean' : ''}.png`;
await sharp(out, { raw: { width: w, height: h, channels: 3 } }).png().toFile(file);
console.log(file);
