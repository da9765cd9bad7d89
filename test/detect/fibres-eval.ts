import { segmentFibres, type FibreOptions, type FibreSegmentation } from '../../src/detect/fibres.js';
import { detectNuclei } from '../../src/detect/nuclei.js';
import { resolveParams } from '../../src/domain/params.js';
import { scoreMhc1, mhc1Grade, type Mhc1Score } from '../../src/score/mhc1.js';
import { deconvolve } from '../../src/stain/deconvolve.js';
import { HDAB_DEFAULT } from '../../src/stain/vectors.js';
import { makeMuscleScene } from '../../src/synthetic/muscle/scene.js';
import { musclePlantedBuffers, plantMuscleInto } from '../../src/synthetic/muscle/planted.js';
import { renderMuscleRegion } from '../../src/synthetic/muscle/render.js';

export interface FibreEval {
  seed: number;
  truthFibres: number;
  found: number;
  tp: number;
  precision: number;
  recall: number;
  f1: number;
  /** |found − truth| / truth min Feret over matched fibres */
  feretErrors: number[];
  /** planted internal myonuclei, and internal nuclei counted over the detected fibres */
  truthInternalNuclei: number;
  internalNuclei: number;
  /** matched fibres whose perifascicular flag agrees with the truth's, of those matched */
  perifascicularAgreement: number;
  truthGrade: number;
  grade: number;
  truthPattern: string;
  mhc1: Mhc1Score;
  truthPositive: number;
  seg: FibreSegmentation;
}

/**
 * Render a synthetic MHC-I muscle section, deconvolve with the default H-DAB vectors at the
 * scene's I0, detect nuclei and fibres, and match detected fibres one-to-one to the planted ones
 * at IoU ≥ 0.5 (truth = the planted per-pixel fibre ids; at IoU > 0.5 a fibre can overlap only one).
 */
export function evaluateFibres(seed: number, size = 1024, opts: Partial<FibreOptions> = {}): FibreEval {
  const scene = makeMuscleScene({ seed, width: size, height: size, marker: 'MHC-I' });
  const mpp = scene.mpp;
  const rgb = renderMuscleRegion(scene, 0, 0, size, size);
  const planes = deconvolve(rgb, HDAB_DEFAULT, scene.i0);
  const params = resolveParams({});
  const nuc = detectNuclei(planes.hematoxylin, mpp, params.nucleus);
  const nuclei = nuc.nuclei.map((q) => ({ x: (q.cx + 0.5) * mpp, y: (q.cy + 0.5) * mpp }));
  const seg = segmentFibres(planes.hematoxylin, planes.dab, mpp, { nuclei, ...opts });

  const truth = plantMuscleInto(scene, 0, 0, size, size, musclePlantedBuffers(size * size)).fibre;
  const nT = scene.tissue.fibres.length;
  const nF = seg.fibres.length;
  const areaT = new Int32Array(nT);
  const areaF = new Int32Array(nF + 1);
  const inter = new Map<number, number>();
  for (let i = 0; i < size * size; i++) {
    const t = truth[i];
    const f = seg.labels[i];
    if (t >= 0) areaT[t]++;
    if (f > 0) areaF[f]++;
    if (t >= 0 && f > 0) {
      const k = t * (nF + 1) + f;
      inter.set(k, (inter.get(k) ?? 0) + 1);
    }
  }
  // truth ids are indices into tissue.fibres (checked below); count only fibres present in the view
  const present = scene.tissue.fibres.filter((_, t) => areaT[t] > 0);
  const feretErrors: number[] = [];
  let tp = 0;
  let periAgree = 0;
  for (const [k, a] of inter) {
    const t = Math.floor(k / (nF + 1));
    const f = k % (nF + 1);
    if (a / (areaT[t] + areaF[f] - a) < 0.5) continue;
    tp++;
    const tf = scene.tissue.fibres[t];
    if (tf.id !== t) throw new Error(`truth fibre ids are not indices (${tf.id} at ${t})`);
    const truthFeret = tf.minFeretPx * mpp;
    feretErrors.push(Math.abs(seg.fibres[f - 1].minFeretUm - truthFeret) / truthFeret);
    if (seg.fibres[f - 1].perifascicular === tf.perifascicular) periAgree++;
  }
  const precision = nF ? tp / nF : 1;
  const recall = present.length ? tp / present.length : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const positives = scene.fibreStain.filter((s) => s.status !== 'negative').length;
  const mhc1 = scoreMhc1(seg.fibres);
  return {
    seed,
    truthFibres: present.length,
    found: nF,
    tp,
    precision,
    recall,
    f1,
    feretErrors,
    perifascicularAgreement: tp ? periAgree / tp : 1,
    truthInternalNuclei: scene.cells.filter((c) => c.kind === 'myonucleus' && c.internal).length,
    internalNuclei: seg.fibres.reduce((a, f) => a + f.internalNuclei, 0),
    truthGrade: mhc1Grade(positives, nT),
    grade: mhc1.grade,
    truthPattern: scene.mhcPattern,
    mhc1,
    truthPositive: positives / nT,
    seg,
  };
}
