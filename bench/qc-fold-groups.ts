// What a fold candidate looks like against the tissue around it: the planted folds of the QC tuning
// regions (seeds 20–94) beside the perimysial septa that the fold rule takes on the clean golden
// muscle slides (bench/qc-clean-look.ts's cache: run `QC_ALL=1 npx tsx bench/qc-clean-look.ts`
// first). Each group is one that the block rule flags (src/detect/qc/fold.ts) with the group band
// test off, so what would tell the two apart can be looked for before it is built.
//   npx tsx bench/qc-fold-groups.ts [tune|clean|both]
// Columns: blocks, share of the group's blocks inside a planted fold, median floor ratios group /
// ring (summed OD, hematoxylin, DAB), and hematoxylin pixel percentile ratios group / ring.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { paramsForMarker } from '../src/domain/marker.js';
import { resolveParams, type QcParams } from '../src/domain/params.js';
import { QC_CAUSE_IDS } from '../src/domain/qc.js';
import { forEachBlockGroup } from '../src/detect/qc/blocks.js';
import { foldMask } from '../src/detect/qc/fold.js';
import { qcReference, qcTile, type QcTileResult } from '../src/detect/qc/index.js';
import { qcArtefactCases, QC_TUNING_BASES } from '../src/eval/qc.js';
import { QC_BIT, type QcCase } from '../src/eval/qc-cases.js';
import { cropRgb } from '../src/image/crop.js';
import type { RgbRaster } from '../src/image/raster.js';
import { qcOfCore } from '../src/pipeline/tile-qc.js';
import { deconvolveInto } from '../src/stain/deconvolve.js';
import type { I0 } from '../src/stain/od.js';
import type { StainMatrix } from '../src/stain/vectors.js';

const QS = [0.25, 0.5, 0.75, 0.95];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const quantiles = (xs: Float32Array): number[] => {
  const s = Float32Array.from(xs).sort();
  return QS.map((q) => s[Math.min(s.length - 1, Math.floor(q * s.length))]);
};

/** One line per flagged group of `t`; `hema` is the hematoxylin plane of the raster the blocks lie on. */
function report(name: string, t: QcTileResult, reference: number, qc: QcParams, hema: Float32Array, width: number, inFold: (b: number) => boolean): void {
  const st = t.stats;
  const { cols, rows } = st;
  const mask = foldMask(st, reference, qc, t.blockUm);
  const ring = Math.round(qc.foldGroupRingUm / t.blockUm);
  const pixels = (blocks: number[]): Float32Array => {
    const out: number[] = [];
    const height = hema.length / width;
    for (const b of blocks) {
      const bx = b % cols, by = (b - bx) / cols;
      for (let y = by * t.blockPx; y < Math.min(height, (by + 1) * t.blockPx); y++) for (let x = bx * t.blockPx; x < Math.min(width, (bx + 1) * t.blockPx); x++) out.push(hema[y * width + x]);
    }
    return Float32Array.from(out);
  };
  forEachBlockGroup(mask, cols, rows, (group) => {
    const inside = [...group];
    const around = new Set<number>();
    for (const b of inside) {
      const x = b % cols, y = (b - x) / cols;
      for (let yy = Math.max(0, y - ring); yy <= Math.min(rows - 1, y + ring); yy++) {
        for (let xx = Math.max(0, x - ring); xx <= Math.min(cols - 1, x + ring); xx++) {
          const q = yy * cols + xx;
          if (!mask[q] && st.tissue[q] >= qc.minTissueFraction) around.add(q);
        }
      }
    }
    const out = [...around];
    if (out.length === 0) return;
    const ratio = (a: Float32Array): string => (median(inside.map((b) => a[b])) / median(out.map((b) => a[b]))).toFixed(2);
    const qi = quantiles(pixels(inside));
    const qo = quantiles(pixels(out));
    const share = inside.filter(inFold).length / inside.length;
    console.log(`${name.padEnd(30)} ${String(inside.length).padStart(4)} blocks  fold ${share.toFixed(2)}  floor ${ratio(st.floor)} H ${ratio(st.hFloor)} DAB ${ratio(st.dFloor)}  H p${QS.map((q) => q * 100).join('/p')} ${qi.map((v, i) => (v / qo[i]).toFixed(2)).join(' ')}`);
  });
}

function hematoxylin(rgb: RgbRaster, stain: StainMatrix, i0: I0, light?: Float32Array): Float32Array {
  const n = rgb.width * rgb.height;
  const hema = new Float32Array(n);
  deconvolveInto(rgb, stain, i0, { hematoxylin: hema, dab: new Float32Array(n) }, light);
  return hema;
}

const which = process.argv[2] ?? 'both';
if (which !== 'clean') {
  const qc = resolveParams({ qc: { causes: [...QC_CAUSE_IDS], foldGroupDabRatio: 0 } }).qc;
  const dir = process.env.QC_TUNE_CACHE ?? '/tmp/qc-tune-cache';
  for (const base of QC_TUNING_BASES) {
    for (const spec of qcArtefactCases(base)) {
      const key = `${dir}/${Buffer.from(JSON.stringify(spec)).toString('base64url')}.v8`;
      if (!existsSync(key)) throw new Error(`${key} missing: run npx tsx bench/qc-tune.ts artefact first`);
      const c = deserialize(readFileSync(key)) as QcCase;
      const t = qcTile({ rgb: c.rgb, mpp: c.mpp, i0: c.i0, stain: c.stain, muscle: spec.kind === 'muscle' }, qc);
      const reference = qcReference([t], qc).foldFloorOd;
      if (reference === null) continue;
      const w = c.rgb.width;
      const inFold = (b: number): boolean => {
        const x = Math.min(w - 1, (b % t.stats.cols) * t.blockPx + (t.blockPx >> 1));
        const y = Math.min(c.rgb.height - 1, Math.floor(b / t.stats.cols) * t.blockPx + (t.blockPx >> 1));
        return (c.inside[y * w + x] & QC_BIT.fold) !== 0;
      };
      report(`tuning ${spec.kind} ${spec.seed}`, t, reference, qc, hematoxylin(c.rgb, c.stain, c.i0), w, inFold);
    }
  }
}
if (which !== 'tune') {
  const dir = process.env.QC_CLEAN_CACHE ?? '/tmp/qc-clean-cache';
  if (!existsSync(dir)) throw new Error(`${dir} missing: run QC_ALL=1 npx tsx bench/qc-clean-look.ts first`);
  for (const f of readdirSync(dir)) {
    const c = deserialize(readFileSync(`${dir}/${f}`)) as { name: string; marker?: string; mpp: number; i0: I0; stain: StainMatrix; muscle: boolean; tiles: { spec: { read: { x0: number; y0: number; x1: number; y1: number }; core: { x0: number; y0: number; x1: number; y1: number }; id: number }; rgb: RgbRaster; light?: Float32Array }[]; referenceIds: number[] };
    const qc = paramsForMarker(c.marker, { qc: { enabled: true, causes: [...QC_CAUSE_IDS], foldGroupDabRatio: 0 } }).qc;
    const ctx = { mpp: c.mpp, i0: c.i0, stain: c.stain, muscle: c.muscle };
    const results = c.tiles.map((t) => qcOfCore(t.rgb, t.spec.read, t.spec.core, t.light, ctx, qc));
    const reference = qcReference(results.filter((_, i) => c.referenceIds.includes(c.tiles[i].spec.id)), qc).foldFloorOd;
    if (reference === null) continue;
    c.tiles.forEach((t, i) => {
      const { read, core } = t.spec;
      const rect = { x: core.x0 - read.x0, y: core.y0 - read.y0, width: core.x1 - core.x0, height: core.y1 - core.y0 };
      // the light plane is over the read rectangle: the core's rows of it
      const light = t.light ? Float32Array.from({ length: rect.width * rect.height }, (_, q) => t.light![(rect.y + Math.floor(q / rect.width)) * t.rgb.width + rect.x + (q % rect.width)]) : undefined;
      report(`${c.name.slice(0, 26)} t${i}`, results[i], reference, qc, hematoxylin(cropRgb(t.rgb, rect.x, rect.y, rect.width, rect.height), c.stain, c.i0, light), rect.width, () => false);
    });
  }
}
