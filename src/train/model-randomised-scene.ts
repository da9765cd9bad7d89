/**
 * Domain-randomised training scenes for the nucleus model (issue 15): the shipped model learned
 * the default generator (smooth stroma, one nucleus look, 0.5 µm/px, lossless) and fired on
 * texture it had never seen. Every scene here draws what real slides vary, from a tuning seed:
 *
 * - stain vectors (drift up to 15°) and concentrations (nucleus OD 0.2–0.9, DAB fraction and
 *   grades, diffuse DAB patches), the lab-realism draw's illumination gradient and vignetting,
 *   focus patches and folds (src/synthetic/realism/lab.ts);
 * - fibrous stroma and granules in both stains, on most scenes (src/synthetic/stroma-texture.ts):
 *   the hard negatives; fibre crests stay below 0.8× the palest nucleus OD of the scene (where
 *   stroma outshines nuclei no detector can tell them apart, and the target would teach noise);
 * - nucleus size (semi-axes 2.5–6.5 µm), elongation, chromatin texture, crowding and touching pairs;
 * - optics: blur 0.25–0.9 µm, sensor noise 1–8 grey levels, JPEG quality 60–95 or none;
 * - scale: scanned at 0.25–1 µm/px, then brought to 0.5 µm/px by the same bilinear resampling
 *   the detector applies (detectNucleiWithModel), the target by nearest neighbour;
 * - the analysis' own stain estimate: I0 off by −3…+2 %, per-slide Macenko vectors or (a quarter
 *   of scenes) the H-DAB defaults, as chooseStains falls back to.
 *
 * Air bubbles and pen strokes are left out: under them the planted nuclei are invisible (the
 * target would lie), and QC takes them out of every score anyway.
 */
import sharp from 'sharp';
import type { FloatPlane } from '../image/raster.js';
import { floatPlane, rgbRaster } from '../image/raster.js';
import { resampleBilinear } from '../detect/model-resample.js';
import { deconvolve } from '../stain/deconvolve.js';
import { estimateMacenko } from '../stain/macenko.js';
import { HDAB_DEFAULT } from '../stain/vectors.js';
import { plantRegion, plantedBuffers } from '../synthetic/planted.js';
import { drawLabRealism, labCellOptions } from '../synthetic/realism/index.js';
import { Rng } from '../synthetic/rng.js';
import { makeScene, renderRegion, type Scene } from '../synthetic/index.js';
import type { SceneOptionsInput } from '../synthetic/scene.js';
import { interiorTarget } from './model-targets.js';

/** the model's pixel size (models/nuclei-unet/model.json `mpp`) */
const MODEL_MPP = 0.5;

export interface RandomisedSample {
  /** the scene as planted, at its own scan mpp */
  scene: Scene;
  /** hematoxylin OD at 0.5 µm/px, size × size */
  hematoxylin: FloatPlane;
  /** 1 = nucleus interior (touching contacts cut), at 0.5 µm/px */
  target: Uint8Array;
  /** what was drawn, for the model card and debugging */
  drawn: { mpp: number; jpeg: number | null; textured: boolean; defaultStains: boolean };
}

/** The scene options drawn for `seed` at scan pixel size `mpp` (size px at 0.5 µm/px). */
export function randomisedSceneOptions(seed: number, size: number, rng: Rng, mpp: number): { options: SceneOptionsInput; textured: boolean } {
  const lab = drawLabRealism(seed, 'cells');
  const native = Math.round((size * MODEL_MPP) / mpp);
  const rLo = rng.uniform(2.5, 3.5);
  const rHi = Math.min(6.5, rLo + rng.uniform(0.5, 3));
  const hLo = rng.uniform(0.2, 0.45);
  const hHi = Math.min(0.9, hLo + rng.uniform(0.1, 0.45));
  const textured = rng.next() < 0.75;
  const base: SceneOptionsInput = {
    seed,
    width: native,
    height: native,
    mpp,
    cellsPerMm2: Math.round(rng.uniform(300, 3500)),
    fractionPositive: rng.uniform(0, 0.8),
    touchingFraction: rng.uniform(0, 0.4),
    blurSigma: rng.uniform(0.25, 0.9) / mpp,
    noiseSigma: rng.uniform(1, 8),
    i0: rng.uniform(215, 252),
    tissueFraction: lab.wholeField ? 1 : rng.uniform(0.4, 0.9),
    patchesPerMm2: rng.uniform(0, 25),
    nucleusRadiusUm: [rLo, rHi],
    nucleusHOd: [hLo, hHi],
    chromatin: rng.uniform(0.1, 0.7),
    ...(textured
      ? { stromaTexture: { h: rng.uniform(0.03, Math.min(0.3, 0.8 * hLo)), dab: rng.uniform(0, 0.15), spacingUm: rng.uniform(1.5, 8), lengthUm: rng.uniform(8, 60), granules: rng.uniform(0, 0.5) } }
      : {}),
  };
  const realism = { ...lab.realism, artefacts: { ...lab.realism.artefacts, bubble: 0, pen: 0 } };
  const options = labCellOptions({ ...lab, realism }, base);
  // drift beyond the lab-realism draw's 10°: the model must not lean on one hue
  return { options: { ...options, stainJitterDeg: rng.uniform(0, 15) }, textured };
}

/** One randomised scene rendered, compressed, deconvolved as the analysis would, and brought to 0.5 µm/px. */
export async function randomisedSample(seed: number, size: number): Promise<RandomisedSample> {
  const rng = new Rng((seed * 7919 + 211) | 0);
  const mpp = rng.next() < 0.4 ? MODEL_MPP : Math.exp(rng.uniform(Math.log(0.25), Math.log(1)));
  const { options, textured } = randomisedSceneOptions(seed, size, rng, mpp);
  const scene = makeScene(options);
  const w = scene.width;
  const h = scene.height;
  let rgb = renderRegion(scene, 0, 0, w, h);
  const jpeg = rng.next() < 0.75 ? 60 + rng.int(36) : null;
  if (jpeg !== null) {
    const data = await sharp(Buffer.from(rgb.data.buffer, rgb.data.byteOffset, rgb.data.byteLength), { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: jpeg })
      .toBuffer()
      .then((b) => sharp(b).raw().toBuffer());
    rgb = rgbRaster(w, h, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  const i0 = Math.min(255, scene.i0 * (1 + rng.uniform(-0.03, 0.02)));
  const defaultStains = rng.next() < 0.25;
  const est = defaultStains ? null : estimateMacenko(rgb.data, { i0 });
  const matrix = !est || est.degenerate ? HDAB_DEFAULT : est.matrix;
  const hemNative = deconvolve(rgb, matrix, i0).hematoxylin;
  const planted = plantRegion(scene, 0, 0, w, h, plantedBuffers(w * h));
  const targetNative = interiorTarget(planted.nucleusH, planted.owner, w, h, new Uint8Array(w * h));
  const same = w === size && h === size;
  const hem = same ? new Float32Array(hemNative.data) : resampleBilinear(hemNative.data, w, h, size, size);
  const target = same ? targetNative : nearest(targetNative, w, h, size, size);
  return { scene, hematoxylin: floatPlane(size, size, hem), target, drawn: { mpp, jpeg, textured, defaultStains: defaultStains || !!est?.degenerate } };
}

/** Nearest-neighbour resampling with the pixel-centre convention of resampleBilinear. */
function nearest(src: Uint8Array, w: number, h: number, W: number, H: number): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(h - 1, Math.max(0, Math.round((y + 0.5) * (h / H) - 0.5)));
    for (let x = 0; x < W; x++) {
      const sx = Math.min(w - 1, Math.max(0, Math.round((x + 0.5) * (w / W) - 0.5)));
      out[y * W + x] = src[sy * w + sx];
    }
  }
  return out;
}
