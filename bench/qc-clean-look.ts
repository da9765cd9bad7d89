// QC alone on the golden clean muscle slides (the shipped sections and the synthetic muscle scenes of
// test/golden): the tiles the pipeline reads, judged against the plan's reference sample, as the
// pipeline does, without the rest of the analysis. Fair to tune on: clean by construction, no
// held-out seed among them. Tiles are cached under QC_CLEAN_CACHE (default /tmp/qc-clean-cache).
// QC_ALL=1: every cause, folds included (the default leaves folds out).
// QC_LAB_SEEDS=18,57 adds whole-field unstained MHC-I lab-realism sections of those tuning seeds.
//   npx tsx bench/qc-clean-look.ts [name-substring]   (QC_PNG=1: /tmp/qc-clean-<slide>.png, red fold,
//   blue focus, green ice, magenta bubble)   QC_PARAMS='{"foldRatio":1.4}' merges into params.qc.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import sharp from 'sharp';
import { paramsForMarker } from '../src/domain/marker.js';
import type { TileSpec } from '../src/domain/detection.js';
import { qcDecideTile, qcReference, QC_CAUSES } from '../src/detect/qc/index.js';
import type { RgbRaster } from '../src/image/raster.js';
import { prepareSlide } from '../src/pipeline/prepare-slide.js';
import { referenceTilesOf } from '../src/pipeline/qc-reference-sample.js';
import { qcOfCore } from '../src/pipeline/tile-qc.js';
import { openSlide } from '../src/slide/open.js';
import { flatFieldPlane } from '../src/stain/flat-field.js';
import type { I0 } from '../src/stain/od.js';
import type { StainMatrix } from '../src/stain/vectors.js';
import type { SlideMetadata } from '../src/domain/slide.js';
import { QC_CAUSE_IDS } from '../src/domain/qc.js';
import { makeMuscleScene, writeMuscleSlide, type MuscleOptionsInput } from '../src/synthetic/muscle/index.js';
import { drawLabRealism, labMuscleOptions, type LabRealism } from '../src/synthetic/realism/index.js';

interface CachedSlide {
  name: string;
  marker?: string;
  mpp: number;
  i0: I0;
  stain: StainMatrix;
  muscle: boolean;
  tiles: { spec: TileSpec; rgb: RgbRaster; light?: Float32Array }[];
  referenceIds: number[];
}

const cacheDir = process.env.QC_CLEAN_CACHE ?? '/tmp/qc-clean-cache';
const scratch = await mkdtemp(path.join(os.tmpdir(), 'qc-clean-'));

/** a lab-realism whole-field unstained MHC-I section (the shape of lab-realism's pale sections), tuning seeds only */
async function labSlide(seed: number): Promise<{ file: string; metadata: SlideMetadata }> {
  if (!(seed < 100) && process.env.QC_DIAGNOSE_HELDOUT !== "1") throw new Error('tuning seeds (< 100) only');
  const lab: LabRealism = { ...drawLabRealism(seed, 'muscle'), wholeField: true, unstained: true };
  const scene = makeMuscleScene(labMuscleOptions(lab, { seed, width: 1024, height: 1024, mpp: 0.5, marker: 'MHC-I' }));
  const file = path.join(scratch, `lab-${seed}.jpg`);
  await writeMuscleSlide(scene, file, 'jpeg', { quality: lab.jpegQuality });
  return { file, metadata: { marker: 'MHC-I', mpp: 0.5 } };
}

type Source = { name: string; open: () => Promise<{ file: string; metadata: SlideMetadata }> };

const SLIDES = fileURLToPath(new URL('../slides/', import.meta.url));
/** the shipped sections (slides/manifest.json) */
async function shipped(): Promise<Source[]> {
  const m = JSON.parse(readFileSync(path.join(SLIDES, 'manifest.json'), 'utf8')) as { slides: (SlideMetadata & { file: string })[] };
  return m.slides.map(({ file, patient, timepoint, marker, mpp }) => ({ name: `shipped ${file}`, open: async () => ({ file: path.join(SLIDES, file), metadata: { patient, timepoint, marker, mpp } }) }));
}
/** the synthetic muscle scenes of the golden set (test/golden/golden-slides.ts: seeds 73–76, 1024 × 960, 40 µm margin) */
function scene(seed: number, marker: MuscleOptionsInput['marker'], as: string, extra: Partial<MuscleOptionsInput> = {}): Source {
  return {
    name: `muscle ${as} ${seed}`,
    open: async () => {
      const file = path.join(scratch, `muscle-${as}-${seed}.tif`);
      await writeMuscleSlide(makeMuscleScene({ seed, width: 1024, height: 960, marker, sectionMarginUm: 40, ...extra }), file, 'pyramidal-tiff');
      return { file, metadata: { marker: as } };
    },
  };
}
const GOLDEN_MUSCLE: Source[] = [scene(73, 'MHC-I', 'MHC-I', { mhcPattern: 'diffuse', mhcFraction: 0.3 }), scene(74, 'CD163', 'CD163'), scene(75, 'infiltrate', 'CD3', { clusters: 2 }), scene(76, 'IL-1a', 'IL-1a', { il1Expressed: true })];

async function cached(slide: Source): Promise<CachedSlide> {
  mkdirSync(cacheDir, { recursive: true });
  const key = path.join(cacheDir, `${slide.name.replace(/[^a-z0-9]+/gi, '-')}.v8`);
  if (existsSync(key)) return deserialize(readFileSync(key)) as CachedSlide;
  const { file, metadata } = await slide.open();
  const params = paramsForMarker(metadata.marker, { qc: { enabled: true } });
  const prep = await prepareSlide({ path: file, metadata, params, batchSize: (n) => n });
  const s = await openSlide(file, metadata.mpp === undefined ? undefined : { mpp: metadata.mpp });
  const tiles: CachedSlide['tiles'] = [];
  for (const t of prep.plan.tiles) {
    const { x0, y0, x1, y1 } = t.read;
    const rgb = await s.readRegion(prep.plan.level.index, x0, y0, x1 - x0, y1 - y0);
    const light = prep.plan.flatField ? flatFieldPlane(prep.plan.flatField, x0, y0, x1 - x0, y1 - y0) : undefined;
    tiles.push({ spec: t, rgb, light });
  }
  await s.close();
  const c: CachedSlide = {
    name: slide.name,
    marker: metadata.marker,
    mpp: prep.plan.level.mpp,
    i0: prep.stains.i0,
    stain: prep.stains.matrix,
    muscle: prep.params.muscle.enabled === true,
    tiles,
    referenceIds: referenceTilesOf(prep.plan.tiles, params.qc.referenceTiles).map((t) => t.id),
  };
  writeFileSync(key, serialize(c));
  return c;
}

const filter = process.argv[2];
const png = process.env.QC_PNG === '1';
const labSeeds = (process.env.QC_LAB_SEEDS ?? '').split(',').filter(Boolean).map(Number);
const sources: Source[] = [
  ...(await shipped()),
  ...GOLDEN_MUSCLE,
  ...labSeeds.map((seed) => ({ name: `lab whole-field unstained MHC-I ${seed}`, open: () => labSlide(seed) })),
];
for (const slide of sources.filter((g) => !filter || g.name.includes(filter))) {
  const c = await cached(slide);
  const qc = paramsForMarker(c.marker, { qc: { enabled: true, ...(process.env.QC_ALL === '1' ? { causes: [...QC_CAUSE_IDS] } : {}), ...JSON.parse(process.env.QC_PARAMS ?? '{}') } }).qc;
  const ctx = { mpp: c.mpp, i0: c.i0, stain: c.stain, muscle: c.muscle };
  const results = c.tiles.map((t) => qcOfCore(t.rgb, t.spec.read, t.spec.core, t.light, ctx, qc));
  const ref = qcReference(results.filter((_, i) => c.referenceIds.includes(c.tiles[i].spec.id)), qc);
  const sums: Record<string, number> = { focus: 0, fold: 0, ice: 0, pen: 0, bubble: 0, any: 0 };
  let tissue = 0;
  const masks = results.map((r) => {
    const m = qcDecideTile(r, ref, qc);
    for (let b = 0; b < m.any.length; b++) {
      const ts = r.stats.tissue[b];
      if (ts < qc.minTissueFraction) continue;
      tissue += ts;
      for (const k of [...QC_CAUSES, 'any'] as const) if (m[k][b]) sums[k] += ts;
    }
    return m;
  });
  const pct = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, ((100 * v) / Math.max(1e-9, tissue)).toFixed(2)]));
  console.log(`${slide.name.padEnd(64)} any ${pct.any.padStart(6)}  ${QC_CAUSES.map((k) => `${k} ${pct[k]}`).join(' ')}`);
  if (png) {
    const W = Math.max(...c.tiles.map((t) => t.spec.core.x1));
    const H = Math.max(...c.tiles.map((t) => t.spec.core.y1));
    const out = Buffer.alloc(W * H * 3, 255);
    c.tiles.forEach((t, i) => {
      const { core, read } = t.spec;
      const r = results[i];
      const m = masks[i];
      for (let y = core.y0; y < core.y1; y++) {
        for (let x = core.x0; x < core.x1; x++) {
          const s = ((y - read.y0) * t.rgb.width + (x - read.x0)) * 3;
          const o = (y * W + x) * 3;
          const b = Math.floor((y - core.y0) / r.blockPx) * r.stats.cols + Math.floor((x - core.x0) / r.blockPx);
          const px = [t.rgb.data[s], t.rgb.data[s + 1], t.rgb.data[s + 2]];
          if (m.fold[b]) px[0] = Math.min(255, px[0] + 70);
          if (m.focus[b]) px[2] = Math.min(255, px[2] + 70);
          if (m.ice[b]) px[1] = Math.min(255, px[1] + 70);
          if (m.bubble[b]) (px[0] = Math.min(255, px[0] + 70)), (px[2] = Math.min(255, px[2] + 70));
          out.set(px, o);
        }
      }
    });
    const f = `/tmp/qc-clean-${slide.name.replace(/[^a-z0-9]+/gi, '-')}.png`;
    await sharp(out, { raw: { width: W, height: H, channels: 3 } }).png().toFile(f);
    console.log('  ', f);
  }
}
