import path from 'node:path';
import { evaluateInScratchDir } from './in-scratch-dir.js';
import { paramsForMarker } from '../domain/marker.js';
import type { AnalysisParamsInput } from '../domain/params.js';
import { analyseSlide } from '../pipeline/analyse-slide.js';
import type { TileExecutor } from '../pipeline/executor.js';
import { Rng } from '../synthetic/rng.js';
import { makeMuscleScene, type MuscleMarker, type MuscleOptionsInput } from '../synthetic/muscle/index.js';
import { REGISTRY_MARKER } from '../synthetic/muscle/options.js';
import { muscleTruthOf } from '../synthetic/muscle/truth-of.js';
import { writeMuscleSlide } from '../synthetic/muscle/write-slide.js';
import { syntheticExtension, type SyntheticFormat } from '../synthetic/write-slide.js';
import { evaluateMuscleSlide, type MuscleEvaluation } from './evaluate-muscle-slide.js';
import { HELDOUT_SEED_BASE } from './heldout.js';

export { HELDOUT_SEED_BASE, REGISTRY_MARKER };

/** Markers in turn; MHC-I and the IL-1 family twice per round so their per-slide calls get a fair sample. */
const MARKER_CYCLE: MuscleMarker[] = ['MHC-I', 'CD163', 'infiltrate', 'IL-1Ra', 'MHC-I', 'IL-1a', 'infiltrate', 'IL-1b'];
const FORMATS: SyntheticFormat[] = ['pyramidal-tiff', 'png', 'svs'];

export interface MuscleHeldoutRow {
  seed: number;
  format: SyntheticFormat;
  marker: MuscleMarker;
  evaluation: MuscleEvaluation;
  seconds: number;
}

/** Section settings by seed: markers in turn, the rest drawn so the set spans grades, patterns and expression. */
export function heldoutMuscleScene(seed: number, index: number, size: number): MuscleOptionsInput {
  const rng = new Rng(seed * 7919 + 31);
  const marker = MARKER_CYCLE[index % MARKER_CYCLE.length];
  return {
    seed,
    width: size,
    height: size,
    mpp: 0.5,
    marker,
    // whole-slide images show glass round the section
    sectionMarginUm: 100,
    clusters: marker === 'infiltrate' ? 1 + rng.int(3) : undefined,
    il1Expressed: marker.startsWith('IL-1') ? rng.next() < 0.5 : undefined,
  };
}

/** Generate, write, analyse through the real pipeline (file → tiles → workers → marker scores) and compare. */
export async function evaluateMuscleSeeds(
  seeds: number[],
  opts: { executor: TileExecutor; size?: number; params?: AnalysisParamsInput; onRow?: (row: MuscleHeldoutRow) => void },
): Promise<MuscleHeldoutRow[]> {
  return evaluateInScratchDir('bq-muscle-heldout-', seeds, async (seed, i, dir) => {
    const options = heldoutMuscleScene(seed, i, opts.size ?? 1536);
    const scene = makeMuscleScene(options);
    const format = FORMATS[i % FORMATS.length];
    const file = path.join(dir, `muscle-${seed}.${syntheticExtension(format)}`);
    await writeMuscleSlide(scene, file, format);
    const started = performance.now();
    const marker = REGISTRY_MARKER[scene.marker];
    // each marker's registry settings (its grading compartment) under the caller's, as the service does
    const params = paramsForMarker(marker, opts.params ?? {});
    const outcome = await analyseSlide({ path: file, metadata: { marker }, params, executor: opts.executor });
    if (!outcome.ok) throw new Error(`held-out muscle seed ${seed}: analysis failed: ${outcome.error}`);
    const evaluation = evaluateMuscleSlide(
      { detections: outcome.detections, fibres: outcome.fibres, markerScores: outcome.markerScores, tissueAreaMm2: outcome.scores.tissueAreaMm2 },
      muscleTruthOf(scene),
    );
    const row = { seed, format, marker: scene.marker, evaluation, seconds: (performance.now() - started) / 1000 };
    return row;
  }, opts.onRow);
}
