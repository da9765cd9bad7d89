import type { Detection, FibreRecord, TileSpec } from '../domain/detection.js';
import type { AnalysisParams } from '../domain/params.js';
import { segmentFibres } from '../detect/fibres.js';
import { gaussianBlur } from '../image/gaussian.js';
import { blurThreshold } from '../image/blur-threshold.js';
import type { Point } from '../image/min-feret.js';
import { detectVessels } from '../detect/vessels.js';
import { enclosedGlassLevel } from '../detect/lumen-level.js';
import { floatPlane, type RgbRaster } from '../image/raster.js';
import { binMask, binPlane } from '../image/bin.js';
import { maskLocator } from '../score/cell-location.js';
import { perimysiumFromFibres } from '../score/perimysium-mask.js';
import { ownsPoint } from '../slide/tile-grid.js';
import { fibresMostlyKept } from './fibre-exclusion.js';
import { summedOd, type I0 } from '../stain/od.js';
import { stageClock } from '../runtime/stage-clock.js';

export interface MuscleTileInput {
  rgb: RgbRaster;
  hematoxylin: Float32Array<ArrayBuffer>;
  dab: Float32Array<ArrayBuffer>;
  /** the summed RGB OD of `rgb` against I0 (and the illumination), where the caller has it (summedOd otherwise) */
  od?: Float32Array<ArrayBuffer>;
  tile: TileSpec;
  mpp: number;
  i0: I0;
  /** log10 of the relative illumination per pixel (OD against I0 · S); absent = uniform */
  illumination?: Float32Array;
  /** the plan found glass (or was given I0): false reads lumens against the tile's enclosed glass; absent = true */
  glassInView?: boolean;
  params: AnalysisParams;
  /** every nucleus centroid of the read rectangle, level-0 µm (peripheral / internal nuclei) */
  nuclei: readonly Point[];
  /** the tile's own detections; location and inFibre are set on them */
  detections: Detection[];
  /**
   * QC on: whether an analysis-level pixel lies in an excluded block (undefined outside the tile's
   * core, where the neighbouring tile decides); fibres more than params.qc.fibreMaxExcluded under
   * excluded blocks are left out
   */
  qcExcluded?: (x: number, y: number) => boolean | undefined;
}

export interface MuscleTileOutput {
  /** section tissue over the read rectangle (1 = tissue) */
  tissue: Uint8Array;
  /** fibres whose centroid lies in the core (and, with qcExcluded, not mostly under an artefact) */
  fibres: FibreRecord[];
  /** with qcExcluded: the core's fibres left out as mostly under an artefact */
  excludedFibres?: { count: number; areaUm2: number };
}

/**
 * The muscle part of a tile (params.muscle): section tissue, fibres, vessels, and the location of
 * each owned cell. Everything is computed on the read rectangle (core + muscle overlap), so fibres
 * and vessels near the core's edge are seen whole; what the tile reports is what its core owns.
 */
export function analyseMuscleTile(input: MuscleTileInput): MuscleTileOutput {
  const { rgb, tile, mpp, params } = input;
  const w = rgb.width;
  const h = rgb.height;
  const n = w * h;
  const origin = { x: tile.read.x0 * mpp, y: tile.read.y0 * mpp };

  // summed RGB OD, lightly smoothed (params.ts): tissue; the rest is glass (outside, vessel lumens)
  const odData = input.od ?? summedOd(rgb.data, n, input.i0, input.illumination);
  const od = floatPlane(w, h, odData);
  const { tissueOd, tissueSmoothUm } = params.muscle;
  // lumens on a less smoothed plane (params.vessels.lumenSmoothUm: small lumens in thick walls)
  const { lumenSmoothUm, wallSmoothUm, holeBandOd, holeContrastOd, holeRingUm, ...vesselOptions } = params.vessels;
  // no glass in view: I0 is the white point, and the glass a lumen shows may read well above 0 OD
  // (a photograph's background ~225 of 255 is ~0.16 summed): the lumen rule then starts from the
  // tile's enclosed glass (detect/lumen-level.ts), so lumens are glass and not tissue. I0 itself
  // stays the white point (issue 10: never from the section). With glass in view I0 was measured
  // on glass, lumens read ~0 and nothing changes.
  const fine = input.glassInView === false ? gaussianBlur(od, lumenSmoothUm / mpp).data : null;
  const glassOd = fine ? enclosedGlassLevel(fine, w, h, mpp, { ...vesselOptions, holeBandOd, holeContrastOd, holeRingUm }) : null;
  const floor = (glassOd ?? 0) + tissueOd;
  // lumen: the smoothed OD under the floor (blurThreshold: blurred only near the glass, same bits)
  const lumen = fine ? new Uint8Array(n) : blurThreshold(odData, w, h, lumenSmoothUm / mpp, floor);
  if (fine) for (let i = 0; i < n; i++) lumen[i] = fine[i] < floor ? 1 : 0;
  else for (let i = 0; i < n; i++) lumen[i] ^= 1;
  const lumens = glassOd === null ? undefined : new Uint8Array(n);
  const vessels = detectVessels(lumen, input.hematoxylin, w, h, mpp, { ...vesselOptions, origin, relativeWall: glassOd !== null, wallSmoothPx: wallSmoothUm / mpp }, lumens);
  const tissue = blurThreshold(odData, w, h, tissueSmoothUm / mpp, tissueOd);
  // ...but only the vessels' lumens leave the tissue: the palest fibres of a low-contrast section
  // read barely above that glass (a tissue rule at glass + tissueOd cost tuning seed 67 8% of its
  // area and fibre F1 0.98 → 0.89), while a lumen is glass by its shape and wall
  if (lumens) for (let i = 0; i < n; i++) if (lumens[i]) tissue[i] = 0;

  stageClock.lap('muscle: tissue and vessels');
  // the muscle's structure on the binned planes (params.muscle.structureUm); S: that raster
  const bin = Math.max(1, Math.floor(params.muscle.structureUm / mpp + 1e-9));
  const sw = Math.ceil(w / bin);
  const sh = Math.ceil(h / bin);
  const smpp = mpp * bin;
  const sTissue = bin > 1 ? binMask(tissue, w, h, bin) : tissue;
  const plane = (p: Float32Array<ArrayBuffer>) => floatPlane(sw, sh, bin > 1 ? binPlane(p, w, h, bin) : p);
  const seg = segmentFibres(plane(input.hematoxylin), plane(input.dab), smpp, { ...params.fibres, nuclei: input.nuclei, origin, tissue: sTissue });
  stageClock.lap('muscle: fibres');
  const labels = seg.labels;
  const fascicleOf = Int32Array.from([0, ...seg.fibres.map((f) => f.fascicle)]);
  const { septumUm, pocketMaxUm2, fascicleCloseUm, fascicleNotchFibres, fascicleGridUm } = params.location;
  const fascicleGrid = Math.max(1, Math.floor(fascicleGridUm / smpp + 1e-9));
  const perimysium = perimysiumFromFibres(labels, sw, sh, smpp, { septumUm, tissue: sTissue, pocketMaxUm2, fascicleOf, fascicleCloseUm, fascicleNotchFibres, fascicleGrid });
  stageClock.lap('muscle: perimysium');
  const locate = maskLocator({ width: sw, height: sh, mpp: smpp, originX: origin.x, originY: origin.y, perimysium, fibre: labels, vessels, perivascularUm: params.location.perivascularUm });
  for (const d of input.detections) {
    d.location = locate(d.x, d.y);
    const px = bin > 1 ? Math.floor((d.x - origin.x) / smpp) : Math.floor(d.x / mpp) - tile.read.x0;
    const py = bin > 1 ? Math.floor((d.y - origin.y) / smpp) : Math.floor(d.y / mpp) - tile.read.y0;
    const i = py * sw + px;
    // deeper than a myonucleus counts as internal (params.fibres.internalDepthUm: why)
    d.inFibre = labels[i] > 0 && seg.depthPx[i] * smpp > params.fibres.internalDepthUm;
  }

  stageClock.lap('muscle: cell locations');
  const { core } = tile;
  const inCore = seg.fibres.filter((f) => ownsPoint(core, f.x / mpp, f.y / mpp));
  const { kept: owned, dropped } = input.qcExcluded
    ? fibresMostlyKept(inCore, labels, sw, sh, bin, tile.read, input.qcExcluded, params.qc.fibreMaxExcluded)
    : { kept: inCore, dropped: [] };
  const fibres: FibreRecord[] = owned.map((f) => ({
    x: f.x,
    y: f.y,
    areaUm2: f.areaUm2,
    minFeretUm: f.minFeretUm,
    ringDab: f.ringDab,
    interiorDab: f.interiorDab,
    peripheralNuclei: f.peripheralNuclei,
    internalNuclei: f.internalNuclei,
    perifascicular: f.perifascicular,
    fascicleFibres: f.fascicleFibres,
    contour: f.hull.map((p) => [round3(p.x), round3(p.y)] as [number, number]),
  }));
  stageClock.lap('muscle: fibre records');
  return { tissue, fibres, ...(input.qcExcluded ? { excludedFibres: { count: dropped.length, areaUm2: dropped.reduce((a, f) => a + f.areaUm2, 0) } } : {}) };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
