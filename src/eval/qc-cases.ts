/**
 * Lab-realism cases for the QC evaluation: a rendered region (optionally JPEG-compressed) with
 * per-pixel truth: tissue, and which artefact covers each pixel. Rendered with the generator
 * directly (no slide file, no pipeline): QC is pure analysis of a raster.
 */
import sharp from 'sharp';
import { rgbRaster, type RgbRaster } from '../image/raster.js';
import { makeMuscleScene, muscleSource, muscleTruthOf, type MuscleOptionsInput } from '../synthetic/muscle/index.js';
import { plantedCountsOf, type PlantedCounts } from '../synthetic/planted-counts.js';
import { drawLabRealism, labCellOptions, labMuscleOptions, ARTEFACT_TYPES, type ArtefactType, type TruthArtefact, type RealismOptionsInput } from '../synthetic/realism/index.js';
import { sceneSource } from '../synthetic/render.js';
import { makeScene, type SceneOptionsInput } from '../synthetic/scene.js';
import { truthOf } from '../synthetic/truth-of.js';
import type { StainMatrix } from '../stain/vectors.js';

export const QC_BIT: Record<ArtefactType, number> = { focus: 1, fold: 2, ice: 4, pen: 8, bubble: 16 };

export interface QcCaseSpec {
  kind: 'cells' | 'muscle';
  seed: number;
  /** artefact counts; absent: one of each type the kind supports */
  artefacts?: Partial<Record<ArtefactType, number>>;
  /** force a whole-field section (no glass) and/or no marker staining; absent: the lab draw decides */
  wholeField?: boolean;
  unstained?: boolean;
  /** JPEG quality; absent: the lab draw's (70–90); 0: no compression */
  jpegQuality?: number;
  /** vignetting amplitude; absent: the lab draw's */
  vignette?: number;
}

export interface QcCase {
  spec: QcCaseSpec;
  rgb: RgbRaster;
  mpp: number;
  i0: number;
  /** the scene's true stain vectors (the evaluation's stand-in for a per-slide estimate) */
  stain: StainMatrix;
  /** 1 = tissue in the planted truth (ice holes: 0) */
  tissue: Uint8Array;
  /** per pixel, OR of QC_BIT over the artefacts whose truth geometry holds it */
  inside: Uint8Array;
  /** per pixel, OR of QC_BIT over the artefacts within `margin` of it (focus: of its reach): not clean */
  near: Uint8Array;
  artefacts: TruthArtefact[];
}

const CELL_SIZE: [number, number] = [640, 512];
const MUSCLE_SIZE: [number, number] = [1024, 768];
const MPP = 0.5;
const I0 = 240;
/** clean tissue starts this far (µm) from an artefact's geometry: the QC block size plus the optics */
export const CLEAN_MARGIN_UM = 10;

export async function renderQcCase(spec: QcCaseSpec): Promise<QcCase> {
  const lab = drawLabRealism(spec.seed, spec.kind);
  if (spec.wholeField !== undefined) lab.wholeField = spec.wholeField;
  if (spec.unstained !== undefined) lab.unstained = spec.unstained;
  const one = spec.kind === 'muscle' ? { focus: 1, fold: 1, ice: 1, pen: 1, bubble: 1 } : { focus: 1, fold: 1, ice: 0, pen: 1, bubble: 1 };
  const realism: RealismOptionsInput = { ...lab.realism, ...(spec.vignette !== undefined ? { vignette: spec.vignette } : {}), artefacts: { ...one, ...(spec.artefacts ?? {}) } as RealismOptionsInput['artefacts'] };
  lab.realism = realism;
  let rgb: RgbRaster;
  let artefacts: TruthArtefact[];
  let stain: StainMatrix;
  const [w, h] = spec.kind === 'muscle' ? MUSCLE_SIZE : CELL_SIZE;
  let counts: PlantedCounts;
  // one planting serves the image, the artefacts' truth and the tissue mask (PlantedCounts)
  if (spec.kind === 'cells') {
    const base: SceneOptionsInput = { seed: spec.seed, width: w, height: h, mpp: MPP, i0: I0, blurSigma: 0.8, noiseSigma: 2, tissueFraction: 0.7 };
    const scene = makeScene(labCellOptions(lab, base));
    counts = plantedCountsOf(scene, { mask: true });
    rgb = sceneSource(scene, counts).region(0, 0, w, h);
    artefacts = truthOf(scene, counts).realism!.artefacts;
    stain = scene.stain as StainMatrix;
  } else {
    const base: MuscleOptionsInput = { seed: spec.seed, width: w, height: h, mpp: MPP, marker: 'MHC-I', i0: I0, blurSigma: 0.8, noiseSigma: 2 };
    const scene = makeMuscleScene(labMuscleOptions(lab, base));
    counts = plantedCountsOf(scene, { mask: true });
    rgb = muscleSource(scene, counts).region(0, 0, w, h);
    artefacts = muscleTruthOf(scene, counts).realism!.artefacts;
    stain = scene.stain as StainMatrix;
  }
  const q = spec.jpegQuality ?? lab.jpegQuality;
  if (q > 0) rgb = await jpegRoundTrip(rgb, q);
  if (!counts.complete || !counts.mask) throw new Error('the QC case render did not plant every row once');
  const tissue = counts.mask;
  const { inside, near } = rasteriseArtefacts(artefacts, w, h, MPP, CLEAN_MARGIN_UM);
  return { spec, rgb, mpp: MPP, i0: I0, stain, tissue, inside, near, artefacts };
}

export async function jpegRoundTrip(img: RgbRaster, quality: number): Promise<RgbRaster> {
  const jpg = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: 3 } }).jpeg({ quality }).toBuffer();
  const { data, info } = await sharp(jpg).raw().toBuffer({ resolveWithObject: true });
  return rgbRaster(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.length));
}

/** Truth geometry (µm) to pixel masks: pixel (x, y) sits at (x·mpp, y·mpp) µm as in the generator's tally. */
export function rasteriseArtefacts(arts: readonly TruthArtefact[], w: number, h: number, mpp: number, marginUm: number): { inside: Uint8Array; near: Uint8Array } {
  const inside = new Uint8Array(w * h);
  const near = new Uint8Array(w * h);
  for (const a of arts) {
    const bit = QC_BIT[a.type];
    const s = a.shape;
    const reach = (s.kind === 'circle' ? Math.max(s.r, a.reachUm ?? 0) : 0) + marginUm;
    let bx0: number, by0: number, bx1: number, by1: number;
    if (s.kind === 'circle') [bx0, by0, bx1, by1] = [s.x - reach, s.y - reach, s.x + reach, s.y + reach];
    else {
      bx0 = Math.min(...s.points.map((p) => p[0])) - marginUm;
      by0 = Math.min(...s.points.map((p) => p[1])) - marginUm;
      bx1 = Math.max(...s.points.map((p) => p[0])) + marginUm;
      by1 = Math.max(...s.points.map((p) => p[1])) + marginUm;
    }
    const x0 = Math.max(0, Math.floor(bx0 / mpp)), x1 = Math.min(w - 1, Math.ceil(bx1 / mpp));
    const y0 = Math.max(0, Math.floor(by0 / mpp)), y1 = Math.min(h - 1, Math.ceil(by1 / mpp));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const ux = x * mpp, uy = y * mpp;
        let depth: number;
        if (s.kind === 'circle') depth = s.r - Math.hypot(ux - s.x, uy - s.y);
        else {
          const d = distanceToPolygon(s.points, ux, uy);
          depth = inPolygon(s.points, ux, uy) ? d : -d;
        }
        const p = y * w + x;
        if (depth >= 0) inside[p] |= bit;
        const nearDepth = s.kind === 'circle' ? reach - Math.hypot(ux - s.x, uy - s.y) : depth + marginUm;
        if (nearDepth >= 0) near[p] |= bit;
      }
    }
  }
  return { inside, near };
}

type Pt = readonly [number, number];

function inPolygon(poly: readonly Pt[], x: number, y: number): boolean {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

function distanceToPolygon(poly: readonly Pt[], x: number, y: number): number {
  let best = Infinity;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [ax, ay] = poly[j];
    const [bx, by] = poly[i];
    const dx = bx - ax, dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
  }
  return best;
}

export { ARTEFACT_TYPES };
