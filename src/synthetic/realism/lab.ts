/**
 * A "lab realism" configuration drawn from a seed (issue 10): what a lab's slides vary, within
 * the ranges — illumination gradient and vignetting up to ±6 %, JPEG quality 70–90,
 * stain-vector drift up to 10°, fields with no glass (stained and unstained), and a random
 * mixture of artefacts. For held-out evaluation: the same seed always gives the same draw.
 */
import type { MuscleOptionsInput } from '../muscle/options.js';
import { Rng } from '../rng.js';
import type { SceneOptionsInput } from '../scene.js';
import { MAX_RANDOM_ILLUMINATION, type RealismOptionsInput } from './options.js';

export const LAB_JPEG_QUALITY: readonly [number, number] = [70, 90];
export const LAB_MAX_STAIN_DRIFT_DEG = 10;
/** chance of each artefact type appearing on a slide (one of it) */
const ARTEFACT_CHANCE = { focus: 0.4, fold: 0.3, ice: 0.4, pen: 0.2, bubble: 0.3 } as const;

export interface LabRealism {
  realism: RealismOptionsInput;
  stainJitterDeg: number;
  jpegQuality: number;
  /** the section fills the field: no glass in view */
  wholeField: boolean;
  /** no marker staining: negative cells, MHC-I-negative fibres, IL-1 not expressed */
  unstained: boolean;
}

export function drawLabRealism(seed: number, kind: 'cells' | 'muscle'): LabRealism {
  const rng = new Rng((seed * 7919 + 401) | 0);
  const chance = (p: number): number => (rng.next() < p ? 1 : 0);
  const realism: RealismOptionsInput = {
    gradient: rng.uniform(0, MAX_RANDOM_ILLUMINATION),
    vignette: rng.uniform(0, MAX_RANDOM_ILLUMINATION),
    artefacts: {
      focus: chance(ARTEFACT_CHANCE.focus),
      fold: chance(ARTEFACT_CHANCE.fold),
      pen: chance(ARTEFACT_CHANCE.pen),
      bubble: chance(ARTEFACT_CHANCE.bubble),
      // freezing artefact exists only in frozen muscle sections
      ice: kind === 'muscle' ? chance(ARTEFACT_CHANCE.ice) : 0,
    },
  };
  return {
    realism,
    stainJitterDeg: rng.uniform(0, LAB_MAX_STAIN_DRIFT_DEG),
    jpegQuality: LAB_JPEG_QUALITY[0] + rng.int(LAB_JPEG_QUALITY[1] - LAB_JPEG_QUALITY[0] + 1),
    wholeField: rng.next() < 0.5,
    unstained: rng.next() < 0.3,
  };
}

/** Cell-scene options with a lab-realism draw applied over `base`. */
export function labCellOptions(lab: LabRealism, base: SceneOptionsInput): SceneOptionsInput {
  return {
    ...base,
    stainJitterDeg: lab.stainJitterDeg,
    realism: lab.realism,
    ...(lab.wholeField ? { tissueFraction: 1 } : {}),
    ...(lab.unstained ? { fractionPositive: 0, patchesPerMm2: 0 } : {}),
  };
}

/** Muscle-section options with a lab-realism draw applied over `base`; glass round the section unless whole-field. */
export function labMuscleOptions(lab: LabRealism, base: MuscleOptionsInput): MuscleOptionsInput {
  const marker = base.marker ?? 'MHC-I';
  const unstained = !lab.unstained ? {} : marker === 'MHC-I' ? { mhcPattern: 'none' as const } : marker.startsWith('IL-1') ? { il1Expressed: false } : {};
  return {
    ...base,
    stainJitterDeg: lab.stainJitterDeg,
    realism: lab.realism,
    sectionMarginUm: lab.wholeField ? 0 : (base.sectionMarginUm ?? 100) || 100,
    ...unstained,
  };
}
