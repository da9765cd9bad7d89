import { correctRimOd, rimCaptureRatio, tileCaptureRatio } from '../detect/rim-partial-volume.js';
import { compartmentOd, type Detection, type TileResult, type TileSpec } from '../domain/detection.js';
import { AnalysisError } from '../errors/index.js';
import type { AnalysisParams } from '../domain/params.js';
import { CellExpander, measureCells } from '../detect/cells.js';
import { subtractSurround, surroundPlanes } from '../detect/surround-plane.js';
import { analyseMuscleTile } from './analyse-muscle-tile.js';
import { detectNucleiWithModel, type NucleusModel } from '../detect/model.js';
import { NucleusDetector, type NucleusDetection } from '../detect/nuclei.js';
import { floatPlane, type FloatPlane, type RgbRaster } from '../image/raster.js';
import { gradeOf } from '../score/grade.js';
import { ownsPoint } from '../slide/tile-grid.js';
import { deconvolveInto } from '../stain/deconvolve.js';
import { flatFieldPlane } from '../stain/flat-field.js';
import { odLuts, type I0 } from '../stain/od.js';
import type { FlatField } from '../domain/illumination.js';
import type { StainMatrix } from '../stain/vectors.js';
import type { QcReference, TileQc } from '../domain/qc.js';
import type { QcTileResult } from '../detect/qc/index.js';
import type { QcStainPlanes } from '../detect/qc/planes.js';
import { areaBlockPx, type AreaGrid } from '../domain/area-grid.js';
import { blockAt, decideTileExclusion, exclusionAt, isExcluded, tileQcRecord, type TileExclusion } from './tile-qc.js';
import { stageClock } from '../runtime/stage-clock.js';

export interface TileContext {
  /** µm/px of the level the tile was read from */
  mpp: number;
  stain: StainMatrix;
  /** background intensity for OD (one value or per channel); 255 when absent */
  i0?: I0;
  /** relative illumination on the level's pixel frame (OD against I0 · S); absent = uniform */
  flatField?: FlatField;
  /** where I0 came from; 'white-point' (no glass in view): muscle lumens are read against the tile's enclosed glass */
  i0Source?: 'glass' | 'white-point' | 'fixed';
  params: AnalysisParams;
  /** the loaded nucleus model when params.detector is 'model' */
  model?: NucleusModel;
  /** the slide's QC references (the plan's sample); required when params.qc.enabled */
  qcReference?: QcReference;
  /** this tile's QC as the plan already computed it (a reference tile in embedded mode: qc-precomputed.ts) */
  qcTile?: QcTileResult;
}

/**
 * The tile processor shared by embedded worker threads and BullMQ workers (DESIGN.md: one logic
 * for both modes). Pure: RGB of `tile.read` in, additive per-tile result out. Keeps its scratch
 * buffers between calls, so use one instance per thread.
 */
export class TileAnalyser {
  private readonly nuclei = new NucleusDetector();
  private readonly expander = new CellExpander();
  /** nuclei grown by rimPartialVolume.perTile.wideUm (coarse scans of a membrane marker only) */
  private readonly wideExpander = new CellExpander();
  private wideLabels = new Int32Array(0);
  private n = 0;
  private hem = new Float32Array(0);
  private dab = new Float32Array(0);
  /** muscle tiles: the summed RGB OD, from the deconvolution's pass */
  private od = new Float32Array(0);
  private nucleusLabels = new Int32Array(0);
  private cellLabels = new Int32Array(0);
  private light = new Float32Array(0);
  /** nuclei grown to the surround band's inner and outer edge (params.surroundDab only) */
  private near = new Int32Array(0);
  private far = new Int32Array(0);
  /** DAB above each cell's surround plane, on cell pixels */
  private above = new Float32Array(0);

  private ensure(n: number): void {
    if (this.n >= n) return;
    this.n = n;
    this.light = new Float32Array(0);
    this.hem = new Float32Array(n);
    this.dab = new Float32Array(n);
    this.od = new Float32Array(0);
    this.nucleusLabels = new Int32Array(n);
    this.cellLabels = new Int32Array(n);
  }

  private detectNuclei(hem: FloatPlane, ctx: TileContext, tile: TileSpec): Pick<NucleusDetection, 'nuclei' | 'boxes'> {
    if (ctx.params.detector === 'classical') return this.nuclei.detect(hem, ctx.mpp, ctx.params.nucleus, this.nucleusLabels, { x: tile.read.x0, y: tile.read.y0 });
    if (!ctx.model) throw new AnalysisError(`tile ${tile.id}: the model detector was chosen but no nucleus model was loaded`);
    const found = detectNucleiWithModel(hem, ctx.mpp, ctx.model, ctx.params.nucleus);
    this.nucleusLabels.set(found.labels);
    return found;
  }

  analyse(rgb: RgbRaster, tile: TileSpec, ctx: TileContext): TileResult {
    checkTile(rgb, tile, ctx);
    const { params, mpp } = ctx;
    const i0 = ctx.i0 ?? 255;
    const w = rgb.width;
    const h = rgb.height;
    const n = w * h;
    this.ensure(n);
    const hem = this.hem.subarray(0, n);
    const dab = this.dab.subarray(0, n);
    // log10 S per pixel of the read rectangle, when the slide's illumination is not uniform
    const light = ctx.flatField ? (this.light = flatFieldPlane(ctx.flatField, tile.read.x0, tile.read.y0, w, h, this.light)).subarray(0, n) : undefined;
    const muscle = params.muscle.enabled === true;
    if (muscle && this.od.length < n) this.od = new Float32Array(this.n);
    const od = muscle ? this.od.subarray(0, n) : undefined;
    deconvolveInto(rgb, ctx.stain, i0, { hematoxylin: hem, dab, ...(od ? { summed: od } : {}) }, light);
    stageClock.lap('deconvolution');
    const qc = params.qc.enabled ? this.exclusion(rgb, tile, light, ctx, muscle, { hematoxylin: hem, dab }) : undefined;

    const { nuclei, boxes } = this.detectNuclei(floatPlane(w, h, hem), ctx, tile);
    const nucleusLabels = this.nucleusLabels;
    const cellLabels = this.cellLabels;
    this.expander.expand(nucleusLabels, w, h, params.cellExpansionUm / mpp, cellLabels, boxes);
    stageClock.lap('cells: expansion');
    const within = { width: w, rects: this.expander.rects };
    const m = measureCells(nucleusLabels, cellLabels, dab, hem, n, nuclei.length, within, params.ringUpperFraction);
    // the compartment measured again on DAB above each cell's surround plane: what grades the cell
    const above = params.surroundDab.enabled ? measureCells(nucleusLabels, cellLabels, this.aboveSurround(nucleusLabels, w, h, nuclei.length, boxes, dab, params, mpp, within.rects), hem, n, nuclei.length, within, params.ringUpperFraction) : undefined;
    if (params.rimPartialVolume.enabled) {
      const ratio = this.rimRatio(m.dabCytoplasm, nucleusLabels, dab, hem, w, h, nuclei.length, boxes, params, mpp);
      for (const c of above ? [m.dabCytoplasm, above.dabCytoplasm] : [m.dabCytoplasm]) for (let l = 1; l < c.length; l++) c[l] = correctRimOd(c[l], ratio);
    }
    const { read, core } = tile;
    const um2 = mpp * mpp;
    const compartment = params.compartment;
    const detections: Detection[] = [];
    const allNuclei: { x: number; y: number }[] = [];
    for (const nu of nuclei) {
      // Ownership by centroid, half-open core (DESIGN.md: nothing counted twice at seams).
      // Centroid in level coordinates as (integer sum + area · origin) / area: one rounding, so
      // every tile holding the same nucleus pixels gives the same bits (read.x0 + cx would not).
      const a = nu.areaPx;
      const gx = (Math.round(nu.cx * a) + read.x0 * a) / a;
      const gy = (Math.round(nu.cy * a) + read.y0 * a) / a;
      if (muscle) allNuclei.push({ x: gx * mpp, y: gy * mpp });
      if (!ownsPoint(core, gx, gy)) continue;
      // a cell under an artefact is neither counted nor graded (issue 10: out of every numerator)
      if (qc && isExcluded(qc, gx, gy)) continue;
      const l = nu.label;
      const dabNucleus = m.dabNucleus[l];
      const dabCytoplasm = m.dabCytoplasm[l];
      const dabCell = m.dabCell[l];
      const raw = compartmentOd({ dabNucleus, dabCytoplasm, dabCell }, compartment);
      // the surround as it lies under the compartment, so that compartment − surround is what graded the cell
      const dabSurround = above ? raw - compartmentOd({ dabNucleus: above.dabNucleus[l], dabCytoplasm: above.dabCytoplasm[l], dabCell: above.dabCell[l] }, compartment) : undefined;
      const graded = raw - (dabSurround ?? 0);
      const d: Detection = {
        x: gx * mpp,
        y: gy * mpp,
        nucleusAreaUm2: m.nucleusArea[l] * um2,
        cellAreaUm2: m.cellArea[l] * um2,
        hematoxylinOd: m.hemNucleus[l],
        dabNucleus,
        dabCytoplasm,
        dabCell,
        grade: gradeOf(graded, params.gradeThresholds),
      };
      if (dabSurround !== undefined) d.dabSurround = dabSurround;
      detections.push(d);
    }
    stageClock.lap('cells: measures');
    if (!muscle) {
      const stats = pixelStats(rgb, dab, tile, params, mpp, i0, light, undefined, qc);
      stageClock.lap('pixel statistics');
      return withQc({ tileId: tile.id, detections, ...stats }, qc);
    }
    // fibres by their area under excluded blocks (params.qc.fibreMaxExcluded: why not by centroid)
    const qcExcluded = qc ? (x: number, y: number): boolean | undefined => exclusionAt(qc, x, y) : undefined;
    const mu = analyseMuscleTile({ rgb, hematoxylin: hem, dab, od, tile, mpp, i0, illumination: light, glassInView: ctx.i0Source !== 'white-point', params, nuclei: allNuclei, detections, qcExcluded });
    const stats = pixelStats(rgb, dab, tile, params, mpp, i0, light, mu.tissue, qc);
    stageClock.lap('pixel statistics');
    return withQc({ tileId: tile.id, detections, ...stats, fibres: mu.fibres }, qc, mu.excludedFibres);
  }

  /**
   * DAB with each cell's surround plane (surroundPlanes: fitted to a band params.surroundDab puts
   * round the cell, other cells left out) taken off its pixels; a cell with no free band pixel keeps its DAB.
   */
  /**
   * The capture ratio a coarse scan's rims are corrected by: the psfPx model, or the tile's own
   * (params.rimPartialVolume.perTile), read against a plain ring wideUm wide grown apart.
   */
  private rimRatio(rim: Float64Array, nucleusLabels: Int32Array, dab: Float32Array, hem: Float32Array, w: number, h: number, count: number, boxes: Int32Array, params: AnalysisParams, mpp: number): number {
    const pv = params.rimPartialVolume;
    const model = rimCaptureRatio(mpp, pv);
    if (!(model < 1) || !pv.perTile.enabled) return model;
    const n = w * h;
    if (this.wideLabels.length < n) this.wideLabels = new Int32Array(n);
    const wide = this.wideLabels.subarray(0, n);
    this.wideExpander.expand(nucleusLabels, w, h, pv.perTile.wideUm / mpp, wide, boxes);
    const plain = measureCells(nucleusLabels, wide, dab, hem, n, count, { width: w, rects: this.wideExpander.rects }, 1);
    return tileCaptureRatio(rim, plain.dabCytoplasm, mpp, model, pv) ?? model;
  }

  private aboveSurround(nucleusLabels: Int32Array, w: number, h: number, count: number, boxes: Int32Array, dab: Float32Array, params: AnalysisParams, mpp: number, cellRects: readonly number[]): Float32Array {
    const n = w * h;
    if (this.near.length < n) {
      this.near = new Int32Array(n);
      this.far = new Int32Array(n);
      this.above = new Float32Array(n);
    }
    const { gapUm, widthUm } = params.surroundDab;
    const inner = params.cellExpansionUm + gapUm;
    this.expander.expand(nucleusLabels, w, h, inner / mpp, this.near, boxes);
    this.expander.expand(nucleusLabels, w, h, (inner + widthUm) / mpp, this.far, boxes);
    const planes = surroundPlanes(this.near, this.far, dab, count, this.expander.rects, w);
    const above = this.above.subarray(0, n);
    subtractSurround(this.cellLabels, dab, planes, cellRects, w, above);
    stageClock.lap('cells: surround');
    return above;
  }

  private exclusion(rgb: RgbRaster, tile: TileSpec, light: Float32Array | undefined, ctx: TileContext, muscle: boolean, stains: QcStainPlanes): TileExclusion {
    if (!ctx.qcReference) throw new AnalysisError(`tile ${tile.id}: quality control is enabled but the tile job carries no QC reference (plan the slide again)`);
    return decideTileExclusion(rgb, tile, light, { mpp: ctx.mpp, i0: ctx.i0 ?? 255, stain: ctx.stain, muscle }, ctx.qcReference, ctx.params.qc, ctx.qcTile, stains);
  }
}

type PixelStats = Pick<TileResult, 'tissuePixels' | 'pixelGradeCounts' | 'dabPositivePixels' | 'areaGrid'> & { excludedByBlock?: Uint32Array };

/** The tile result with its QC record (from the tissue each excluded block held) in place of the scratch counts. */
function withQc(r: Omit<TileResult, 'qc'> & { excludedByBlock?: Uint32Array }, qc: TileExclusion | undefined, excludedFibres?: TileQc['excludedFibres']): TileResult {
  const { excludedByBlock, ...result } = r;
  return qc && excludedByBlock ? { ...result, qc: { ...tileQcRecord(qc, excludedByBlock), ...(excludedFibres ? { excludedFibres } : {}) } } : result;
}

/**
 * Tissue and DAB pixel counts over the core only. Tissue: summed RGB OD ≥ tissue.odThreshold, or
 * the section mask when given (muscle: pale fibres are tissue, analyse-muscle-tile.ts);
 * each tissue pixel is graded by its DAB OD with the cell grade thresholds (pixel-wise H-score)
 * and counted positive at DAB OD ≥ positiveAreaThreshold (SCIENCE.md "Scores").
 */
function pixelStats(rgb: RgbRaster, dab: Float32Array, tile: TileSpec, params: AnalysisParams, mpp: number, i0: I0, light: Float32Array | undefined, section?: Uint8Array, qc?: TileExclusion): PixelStats {
  const [lr, lg, lb] = odLuts(i0);
  const w = rgb.width;
  const src = rgb.data;
  const { read, core } = tile;
  const odMin = params.tissue.odThreshold;
  const [t1, t2, t3] = params.gradeThresholds;
  const tPos = params.positiveAreaThreshold;
  let tissue = 0;
  let g1 = 0;
  let g2 = 0;
  let g3 = 0;
  let pos = 0;
  // tissue under an excluded block is counted there instead (TileResult.qc), not as tissue
  const excludedByBlock = qc ? new Uint32Array(qc.masks.any.length) : undefined;
  const grid = emptyAreaGrid(core, areaBlockPx(mpp));
  // the area block of each core column, so the inner loop only adds
  const colBlock = new Int32Array(core.x1 - core.x0);
  for (let x = core.x0; x < core.x1; x++) colBlock[x - core.x0] = Math.floor(x / grid.blockPx) - grid.bx0;
  // the QC block of each core column and row (blockAt per pixel, without its per-call arithmetic)
  const qcCol = qc ? Int32Array.from({ length: core.x1 - core.x0 }, (_, i) => blockAt(qc, core.x0 + i, core.y0)) : undefined;
  const qcRowOf = (y: number): number => (qc ? blockAt(qc, core.x0, y) : -1);
  const anyQc = qc?.masks.any;
  for (let y = core.y0 - read.y0; y < core.y1 - read.y0; y++) {
    const row = y * w;
    const blockRow = (Math.floor((y + read.y0) / grid.blockPx) - grid.by0) * grid.cols;
    const qcRow = qcRowOf(y + read.y0);
    for (let x = core.x0 - read.x0, end = core.x1 - read.x0; x < end; x++) {
      const i = row + x;
      const s = i * 3;
      if (section ? section[i] === 0 : summedOd(lr, lg, lb, src, s, light ? light[i] : 0) < odMin) continue;
      if (anyQc && excludedByBlock && qcCol) {
        const b = qcRow + qcCol[x - (core.x0 - read.x0)];
        if (anyQc[b]) {
          excludedByBlock[b]++;
          continue;
        }
      }
      tissue++;
      const b = blockRow + colBlock[x - (core.x0 - read.x0)];
      grid.tissue[b]++;
      const d = dab[i];
      if (d >= tPos) {
        pos++;
        grid.dabPositive[b]++;
      }
      if (d >= t1) {
        if (d >= t3) {
          g3++;
          grid.grade3[b]++;
        } else if (d >= t2) {
          g2++;
          grid.grade2[b]++;
        } else {
          g1++;
          grid.grade1[b]++;
        }
      }
    }
  }
  return { tissuePixels: tissue, pixelGradeCounts: [tissue - g1 - g2 - g3, g1, g2, g3], dabPositivePixels: pos, excludedByBlock, areaGrid: grid };
}

/** A zeroed AreaGrid over the blocks the core touches (blocks anchored at the level's origin). */
function emptyAreaGrid(core: TileSpec['core'], blockPx: number): AreaGrid {
  const bx0 = Math.floor(core.x0 / blockPx);
  const by0 = Math.floor(core.y0 / blockPx);
  const cols = core.x1 > core.x0 ? Math.ceil(core.x1 / blockPx) - bx0 : 0;
  const rows = core.y1 > core.y0 ? Math.ceil(core.y1 / blockPx) - by0 : 0;
  const zeros = (): number[] => new Array<number>(cols * rows).fill(0);
  return { blockPx, bx0, by0, cols, rows, tissue: zeros(), dabPositive: zeros(), grade1: zeros(), grade2: zeros(), grade3: zeros() };
}

/** Summed RGB OD of the pixel at byte s, against I0 · S where o = log10 S (0: uniform, the plain LUT sum). */
function summedOd(lr: Float32Array, lg: Float32Array, lb: Float32Array, src: Uint8Array, s: number, o: number): number {
  if (o === 0) return lr[src[s]] + lg[src[s + 1]] + lb[src[s + 2]];
  return Math.max(0, lr[src[s]] + o) + Math.max(0, lg[src[s + 1]] + o) + Math.max(0, lb[src[s + 2]] + o);
}

function checkTile(rgb: RgbRaster, tile: TileSpec, ctx: TileContext): void {
  const { read, core } = tile;
  const where = `tile ${tile.id} (read ${read.x0},${read.y0}–${read.x1},${read.y1})`;
  if (rgb.channels !== 3) throw new AnalysisError(`${where}: expected an RGB raster, got ${rgb.channels} channels`);
  if (rgb.width !== read.x1 - read.x0 || rgb.height !== read.y1 - read.y0) {
    throw new AnalysisError(`${where}: raster is ${rgb.width}x${rgb.height} but the read rectangle is ${read.x1 - read.x0}x${read.y1 - read.y0}`);
  }
  if (core.x0 < read.x0 || core.y0 < read.y0 || core.x1 > read.x1 || core.y1 > read.y1 || core.x0 > core.x1 || core.y0 > core.y1) {
    throw new AnalysisError(`${where}: core ${core.x0},${core.y0}–${core.x1},${core.y1} does not lie inside the read rectangle`);
  }
  if (!(ctx.mpp > 0) || !Number.isFinite(ctx.mpp)) throw new AnalysisError(`${where}: pixel size must be a positive number of µm/px, got ${ctx.mpp}`);
}

let shared: TileAnalyser | undefined;

/** Analyse one tile with this thread's shared analyser (scratch buffers reused across tiles). */
export function analyseTile(rgb: RgbRaster, tile: TileSpec, ctx: TileContext): TileResult {
  shared ??= new TileAnalyser();
  return shared.analyse(rgb, tile, ctx);
}
