import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { paramsForMarker } from '../../src/domain/marker.js';
import type { AnalysisParamsInput } from '../../src/domain/params.js';
import type { SlideMetadata } from '../../src/domain/slide.js';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import { makeMuscleScene, writeMuscleSlide, type MuscleOptionsInput } from '../../src/synthetic/muscle/index.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';

const SLIDES_DIR = fileURLToPath(new URL('../../slides/', import.meta.url));

/** A slide of the golden set: a shipped file, or a synthetic scene written for the test. */
export type GoldenSlide =
  | { name: string; kind: 'shipped'; manifestIndex: number }
  | { name: string; kind: 'cells'; seed: number; size: number; metadata: SlideMetadata }
  | { name: string; kind: 'muscle'; scene: MuscleOptionsInput; metadata: SlideMetadata };

const muscle = (seed: number, marker: MuscleOptionsInput['marker'], extra: Partial<MuscleOptionsInput> = {}): MuscleOptionsInput => ({
  seed,
  width: 1024,
  height: 960,
  marker,
  sectionMarginUm: 40,
  ...extra,
});

export const GOLDEN_SLIDES: readonly GoldenSlide[] = [
  { name: 'shipped P01 baseline CD163 muscle section (pyramidal TIFF)', kind: 'shipped', manifestIndex: 0 },
  { name: 'shipped P01 month-6 CD163 muscle section (SVS)', kind: 'shipped', manifestIndex: 1 },
  { name: 'shipped P02 baseline IL-1Ra muscle section (PNG)', kind: 'shipped', manifestIndex: 2 },
  { name: 'shipped P02 month-6 IL-1Ra muscle section, whole field (JPEG)', kind: 'shipped', manifestIndex: 3 },
  { name: 'cells, no marker', kind: 'cells', seed: 71, size: 900, metadata: {} },
  { name: 'cells, CD3', kind: 'cells', seed: 72, size: 900, metadata: { marker: 'CD3' } },
  { name: 'muscle MHC-I diffuse', kind: 'muscle', scene: muscle(73, 'MHC-I', { mhcPattern: 'diffuse', mhcFraction: 0.3 }), metadata: { marker: 'MHC-I' } },
  { name: 'muscle CD163', kind: 'muscle', scene: muscle(74, 'CD163'), metadata: { marker: 'CD163' } },
  { name: 'muscle infiltrates as CD3', kind: 'muscle', scene: muscle(75, 'infiltrate', { clusters: 2 }), metadata: { marker: 'CD3' } },
  { name: 'muscle infiltrates as CD45', kind: 'muscle', scene: muscle(75, 'infiltrate', { clusters: 2 }), metadata: { marker: 'CD45' } },
  { name: 'muscle IL-1a expressed', kind: 'muscle', scene: muscle(76, 'IL-1a', { il1Expressed: true }), metadata: { marker: 'IL-1a' } },
];

/** Numbers at 9 significant digits: summation order may move the last bits, never a result. */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? Number(value.toPrecision(9)) : String(value);
  if (Array.isArray(value)) return value.map(rounded);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

export interface GoldenRow {
  scores: unknown;
  markerScores: unknown;
  stain: unknown;
  i0: unknown;
  level: number;
  tiles: number;
  modelId: string;
  detections: { total: number; byGrade: number[]; inFibre: number };
  fibres: number;
}

export interface GoldenFile {
  analysisVersion: string;
  rows: Record<string, GoldenRow>;
}

export async function slideFile(slide: GoldenSlide, dir: string): Promise<{ file: string; metadata: SlideMetadata }> {
  if (slide.kind === 'shipped') {
    const manifest = JSON.parse(await readFile(path.join(SLIDES_DIR, 'manifest.json'), 'utf8')) as { slides: (SlideMetadata & { file: string })[] };
    const { file, patient, timepoint, marker, mpp } = manifest.slides[slide.manifestIndex];
    return { file: path.join(SLIDES_DIR, file), metadata: { patient, timepoint, marker, mpp } };
  }
  const file = path.join(dir, `${slide.name.replace(/[^a-z0-9]+/gi, '-')}.tif`);
  if (slide.kind === 'cells') await writeSyntheticSlide(makeScene({ seed: slide.seed, width: slide.size, height: slide.size }), file, 'pyramidal-tiff');
  else await writeMuscleSlide(makeMuscleScene(slide.scene), file, 'pyramidal-tiff');
  return { file, metadata: slide.metadata };
}

/** What QC took from a golden slide (not pinned in the file: bars hold on it, test/golden/golden-scores.test.ts). */
export interface GoldenQc {
  excludedPct: number;
  verdict: string;
}

/** The full score row of one golden slide, analysed with default parameters (and its marker's settings, as `analyze` does) in this thread. */
export async function goldenRow(slide: GoldenSlide, dir: string): Promise<GoldenRow> {
  return (await goldenAnalysis(slide, dir)).row;
}

export async function goldenAnalysis(slide: GoldenSlide, dir: string, user: AnalysisParamsInput = {}): Promise<{ row: GoldenRow; qc: GoldenQc | null }> {
  const { file, metadata } = await slideFile(slide, dir);
  const executor = inlineExecutor();
  try {
    const o = await analyseSlide({ path: file, metadata, params: paramsForMarker(metadata.marker, user), executor });
    if (!o.ok) throw new Error(`${slide.name}: ${o.error}`);
    const byGrade = [0, 0, 0, 0];
    for (const d of o.detections) byGrade[d.grade] += 1;
    const row = rounded({
      scores: o.scores,
      markerScores: o.markerScores,
      stain: o.provenance.stain,
      i0: o.provenance.i0,
      level: o.provenance.level,
      tiles: o.provenance.tiles,
      modelId: o.provenance.modelId,
      detections: { total: o.detections.length, byGrade, inFibre: o.detections.filter((d) => d.inFibre).length },
      fibres: o.fibres.length,
    }) as GoldenRow;
    return { row, qc: o.qc ? { excludedPct: o.qc.excludedPct.any, verdict: o.qc.verdict } : null };
  } finally {
    await executor.close();
  }
}

/** Names of the slides whose rows differ between two golden files (added or removed ones too). */
export function goldenRowsChanged(a: GoldenFile, b: GoldenFile): string[] {
  const names = new Set([...Object.keys(a.rows), ...Object.keys(b.rows)]);
  return [...names].filter((n) => JSON.stringify(a.rows[n]) !== JSON.stringify(b.rows[n]));
}
