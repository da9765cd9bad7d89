import path from 'node:path';
import { evaluateInScratchDir } from './in-scratch-dir.js';
import { paramsForMarker } from '../domain/marker.js';
import type { SlideMetadata } from '../domain/slide.js';
import { analyseSlide, type SlideOutcome } from '../pipeline/analyse-slide.js';
import type { TileExecutor } from '../pipeline/executor.js';
import { makeMuscleScene, muscleTruthOf, writeMuscleSlide } from '../synthetic/muscle/index.js';
import { drawLabRealism, labCellOptions, labMuscleOptions, type LabRealism } from '../synthetic/realism/index.js';
import { makeScene } from '../synthetic/scene.js';
import { truthOf } from '../synthetic/truth-of.js';
import { syntheticExtension, writeSyntheticSlide, type SyntheticFormat } from '../synthetic/write-slide.js';
import { heldoutScene } from './heldout.js';

/**
 * Issue 10, illumination and tissue: lab-realism slides (gradient and vignetting up to ±6 %, JPEG
 * 70–90, whole-field sections with no glass, stained and unstained, stain drift) through the full
 * pipeline, tissue area and density against the planted truth. Artefacts are left out here: what
 * they do to tissue and scores is per-tile QC's to judge, not the flat field's.
 * Seeds from LAB_LIGHT_SEED_BASE on were never used while tuning (tuning used seeds < 100).
 */
export const LAB_LIGHT_SEED_BASE = 3000;

export const LAB_LIGHT_ACCEPTANCE = { tissueRelErr: 0.05, densityRelErr: 0.05 } as const;

export type LabLightKind = 'cells' | 'MHC-I' | 'CD163';

export interface LabLightRow {
  seed: number;
  kind: LabLightKind;
  format: SyntheticFormat;
  lab: Pick<LabRealism, 'wholeField' | 'unstained' | 'jpegQuality'> & { gradient: number; vignette: number };
  /** the analysis failed: its message (a slide with tissue must never fail) */
  error?: string;
  tissue?: { found: number; truth: number; relErr: number };
  /** cells: all cells per mm²; CD163: CD163+ cells per mm²; MHC-I: nucleated cells per mm² */
  density?: { name: string; found: number; truth: number; relErr: number };
  /** what the analysis stored about the flat field */
  illumination?: unknown;
}

const relErr = (found: number, truth: number): number => Math.abs(found - truth) / truth;
const noArtefacts = { focus: 0, fold: 0, ice: 0, pen: 0, bubble: 0 };

/** One lab-light slide: generate, write (JPEG-compressed), analyse with the marker's parameters, compare. */
export async function evaluateLabLightSeed(seed: number, kind: LabLightKind, dir: string, executor: TileExecutor, size = 1024): Promise<LabLightRow> {
  const lab = drawLabRealism(seed, kind === 'cells' ? 'cells' : 'muscle');
  const realism = { ...lab.realism, artefacts: noArtefacts };
  const labNoArt: LabRealism = { ...lab, realism };
  // JPEG files carry no pixel size (the manifest gives it); SVS tiles are JPEG too
  const format: SyntheticFormat = seed % 2 === 0 ? 'jpeg' : 'svs';
  const file = path.join(dir, `lab-${kind}-${seed}.${syntheticExtension(format)}`);
  const row: LabLightRow = {
    seed,
    kind,
    format,
    lab: { wholeField: lab.wholeField, unstained: lab.unstained, jpegQuality: lab.jpegQuality, gradient: Number(realism.gradient), vignette: Number(realism.vignette) },
  };
  let outcome: SlideOutcome;
  let truthArea: number;
  let truthDensity: (o: SlideOutcome & { ok: true }) => { name: string; found: number; truth: number };
  if (kind === 'cells') {
    const scene = makeScene(labCellOptions(labNoArt, heldoutScene(seed, size)));
    await writeSyntheticSlide(scene, file, format, { quality: lab.jpegQuality });
    const truth = truthOf(scene);
    const metadata: SlideMetadata = { mpp: scene.mpp };
    outcome = await analyseSlide({ path: file, metadata, params: paramsForMarker(undefined), executor });
    truthArea = truth.tissueAreaMm2;
    truthDensity = (o) => ({ name: 'cellsPerMm2', found: o.scores.cellsPerMm2, truth: truth.scores.cellsPerMm2 });
  } else {
    const scene = makeMuscleScene(labMuscleOptions(labNoArt, { seed, width: size, height: size, mpp: 0.5, marker: kind }));
    await writeMuscleSlide(scene, file, format, { quality: lab.jpegQuality });
    const truth = muscleTruthOf(scene);
    const metadata: SlideMetadata = { marker: kind, mpp: scene.mpp };
    outcome = await analyseSlide({ path: file, metadata, params: paramsForMarker(kind), executor });
    truthArea = truth.scores.tissueAreaMm2;
    truthDensity =
      kind === 'CD163'
        ? (o) => ({ name: 'cd163PerMm2', found: o.markerScores?.cd163?.positiveCellsPerMm2 ?? NaN, truth: truth.scores.cd163PerMm2 })
        : (o) => ({ name: 'cellsPerMm2', found: o.scores.cellsPerMm2, truth: truth.cells.length / truth.scores.tissueAreaMm2 });
  }
  if (!outcome.ok) return { ...row, error: outcome.error };
  const d = truthDensity(outcome);
  return {
    ...row,
    tissue: { found: outcome.scores.tissueAreaMm2, truth: truthArea, relErr: relErr(outcome.scores.tissueAreaMm2, truthArea) },
    density: { ...d, relErr: relErr(d.found, d.truth) },
    illumination: (outcome.provenance as { illumination?: unknown }).illumination,
  };
}

/** Every kind for each seed, written to a scratch folder that is removed afterwards. */
export async function evaluateLabLight(
  seeds: readonly number[],
  opts: { executor: TileExecutor; kinds?: readonly LabLightKind[]; size?: number; onRow?: (row: LabLightRow) => void },
): Promise<LabLightRow[]> {
  const kinds = opts.kinds ?? (['cells', 'MHC-I', 'CD163'] as const);
  const pairs = seeds.flatMap((seed) => kinds.map((kind) => ({ seed, kind })));
  return evaluateInScratchDir('bq-lab-light-', pairs, ({ seed, kind }, _i, dir) => evaluateLabLightSeed(seed, kind, dir, opts.executor, opts.size), opts.onRow);
}

/** The acceptance failures of one row, in words (empty when it passes). */
export function labLightFailures(r: LabLightRow): string[] {
  if (r.error) return [`failed: ${r.error}`];
  const out: string[] = [];
  if (!(r.tissue!.relErr <= LAB_LIGHT_ACCEPTANCE.tissueRelErr)) out.push(`tissue area off by ${(r.tissue!.relErr * 100).toFixed(1)}%`);
  if (!(r.density!.relErr <= LAB_LIGHT_ACCEPTANCE.densityRelErr)) out.push(`${r.density!.name} off by ${(r.density!.relErr * 100).toFixed(1)}%`);
  return out;
}
