import { AnalysisError } from '../errors/index.js';
import { FibreParams } from '../domain/params.js';
import { floatPlane, type FloatPlane } from '../image/raster.js';
import { DiscMorphology } from '../image/disc-morphology.js';
import { DistanceTransform } from '../image/distance-transform.js';
import { groupFascicles, type Fascicle } from './fascicles.js';
import { gaussianBlur } from '../image/gaussian.js';
import { minFeret, convexHull, type Point } from '../image/min-feret.js';
import { MinMaxFilter } from '../image/min-max-filter.js';
import { fillSmallHoles } from '../image/fill-small-holes.js';
import { DistanceSplit } from '../image/distance-split.js';
import { regionSolidity } from '../image/solidity.js';
import { growLabels } from './fibre-grow.js';

export type { Fascicle } from './fascicles.js';

/** One muscle fibre. Coordinates and sizes are µm in the frame of `origin` (level-0 µm of the plane's pixel (0, 0) corner). */
export interface Fibre {
  /** value of this fibre in `labels` (1..fibres.length) */
  id: number;
  areaUm2: number;
  x: number;
  y: number;
  minFeretUm: number;
  /** mean DAB OD of the border ring (the outer `ringUm` of the fibre: sarcolemma) */
  ringDab: number;
  /** mean DAB OD inside the ring (sarcoplasm) */
  interiorDab: number;
  /** nuclei on the border: inside the fibre within `internalDepthUm` of its edge, or outside within `peripheralUm` of it */
  peripheralNuclei: number;
  /** nuclei deeper than `internalDepthUm` inside the fibre (myopathic / regenerating sign) */
  internalNuclei: number;
  /** fascicle id (1..fascicles.length) */
  fascicle: number;
  /** fibres in its fascicle within this plane (1 = a fibre no fascicle holds: gaps wider than septumUm all round) */
  fascicleFibres: number;
  /** on the edge of its fascicle, next to perimysium or tissue-free space */
  perifascicular: boolean;
  /** region cut by the plane's edge: size and shape are truncated */
  touchesEdge: boolean;
  /** convex hull of the fibre's pixels, µm in the frame of `origin` (outlines for overlays) */
  hull: Point[];
}

/**
 * The tuned numbers are AnalysisParams.fibres (src/domain/params.ts: defaults and why); the rest
 * is the call's own input.
 */
export type FibreOptions = FibreParams & {
  /** nucleus centroids, µm in the same frame as `origin` */
  nuclei: readonly Point[];
  /** level-0 µm of the plane's top-left pixel corner */
  origin: Point;
  /**
   * Optional tissue mask (0 = glass) from the whole RGB: no fibre pixel outside it. The smoothed
   * hematoxylin + DAB test alone lets a fibre at the section's edge spill a few µm into the glass
   * beside its stained ring, where the blur lifts the glass over glassOd.
   */
  tissue?: Uint8Array;
};

/** Defaults: AnalysisParams.fibres' defaults, no nuclei, origin at (0, 0). */
export const FIBRE_DEFAULTS: FibreOptions = {
  ...FibreParams.parse({}),
  nuclei: [],
  origin: { x: 0, y: 0 },
};

export interface FibreSegmentation {
  /** per pixel: fibre id, 0 elsewhere */
  labels: Int32Array;
  /** per fibre pixel: distance from the fibre's edge, px (pixel centres; 0.5 on the edge) */
  depthPx: Float32Array;
  fibres: Fibre[];
  fascicles: Fascicle[];
  /** the hematoxylin OD the boundary threshold used */
  boundaryOd: number;
  /** the DAB → hematoxylin crosstalk subtracted */
  crosstalk: number;
}

/** Boundary lines: pixels whose top-hat (line − its opening) is at least `strong`. */
function strongLines(line: Float32Array, open: Float32Array, n: number, strong: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = line[i] - open[i] >= strong ? 1 : 0;
  return out;
}

/**
 * Hysteresis, as Canny links edges: `lines` extended by the pixels whose top-hat is at least
 * `weak`, reached from a line within `linkPx` steps (8-connected) through such pixels. A faint endomysium breaks into dashes at the strong level alone, and neighbouring
 * fibres merge through the gaps across a straight shared side no watershed can cut. The step limit
 * keeps the weak level from spreading along a fibre's texture.
 */
function linkFaintLines(strong: Uint8Array, line: Float32Array, open: Float32Array, w: number, h: number, weak: number, linkPx: number): Uint8Array {
  const lines = strong.slice();
  let front: number[] = [];
  for (let i = 0; i < lines.length; i++) if (lines[i]) front.push(i);
  for (let step = 0; step < linkPx && front.length; step++) {
    const next: number[] = [];
    for (const i of front) {
      const x = i % w;
      const y = (i - x) / w;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const j = yy * w + xx;
          if (lines[j] || line[j] - open[j] < weak) continue;
          lines[j] = 1;
          next.push(j);
        }
      }
    }
    front = next;
  }
  return lines;
}

/**
 * Per region label, 1 where the region is more than params.fibres.largeFactor times the median
 * area of the plane's fibre-sized regions (or over maxAreaUm2); null when none is.
 */
function largeRegions(raw: Int32Array, count: number, mpp: number, o: FibreOptions): Uint8Array | null {
  const area = new Float64Array(count + 1);
  for (let i = 0; i < raw.length; i++) if (raw[i] > 0) area[raw[i]]++;
  const px2 = mpp * mpp;
  const sized = [];
  for (let l = 1; l <= count; l++) if (area[l] * px2 >= o.minAreaUm2 && area[l] * px2 <= o.maxAreaUm2) sized.push(area[l]);
  if (sized.length === 0) return null;
  sized.sort((a, b) => a - b);
  const median = sized[sized.length >> 1];
  const out = new Uint8Array(count + 1);
  let any = false;
  for (let l = 1; l <= count; l++) {
    if (area[l] > o.largeFactor * median || area[l] * px2 > o.maxAreaUm2) {
      out[l] = 1;
      any = true;
    }
  }
  return any ? out : null;
}

/**
 * The defaults with `options` over them, in an object of one shape at every call: spread as
 * `{ ...FIBRE_DEFAULTS, ...options }` it took a new hidden class per tile (an integer-valued
 * option is a small integer in one tier and a heap number in another), so reads of an option in
 * the optimised segmentation failed their map check and sent it back to the interpreter.
 */
function withDefaults(options: Partial<FibreOptions>): FibreOptions {
  return Object.assign({ ...FIBRE_DEFAULTS, tissue: undefined }, options);
}

/**
 * Muscle fibre segmentation on deconvolved planes: pale interiors of the smoothed hematoxylin
 * plane (between glass and the connective-tissue level, after removing the DAB that leaks into
 * it, with a top-hat for thin endomysium), small holes (internal nuclei) filled, opening,
 * distance-transform watershed to split fibres touching through a broken endomysium, area and
 * solidity filters, 1 µm grown back to the edge. DAB itself never makes a pixel boundary:
 * MHC-I-positive sarcoplasm would look like connective tissue. Then per-fibre measurements,
 * nuclei and fascicles (fascicles.ts). Whole-region function: a fibre is up to ~160 px across
 * at 0.5 µm/px, so a tiled run needs overlaps wider than the largest fibre.
 */
export function segmentFibres(h: FloatPlane, dab: FloatPlane, mpp: number, options: Partial<FibreOptions> = {}): FibreSegmentation {
  const o = withDefaults(options);
  if (!(mpp > 0)) throw new AnalysisError(`fibre segmentation: pixel size must be positive, got ${mpp} µm/px`);
  const { width: w, height: ht } = h;
  if (dab.width !== w || dab.height !== ht) {
    throw new AnalysisError(`fibre segmentation: DAB plane ${dab.width}x${dab.height} differs from hematoxylin ${w}x${ht}`);
  }
  const n = w * ht;
  const { edt, disc, splitter, mask, eroded, open, planes } = scratchOf(n);
  const plane = (k: number) => floatPlane(w, ht, planes[k]);
  const s = gaussianBlur(h, o.smoothUm / mpp, plane(0)).data;

  // MHC-I DAB leaks into the hematoxylin plane when the slide's stain vectors differ from the
  // ones deconvolved with (a few degrees is typical): a stained sarcoplasm would read as
  // connective tissue and drop out (biasing the grade down), a stained ring as a wide endomysium
  // (shrinking the fibre and hiding its ring). The leak is linear in DAB, so it is estimated on
  // the stained pixels and subtracted; septa carry little DAB and stay dark.
  const sd = gaussianBlur(dab, o.smoothUm / mpp, plane(1)).data;
  const leak = o.dabCrosstalk ?? estimateCrosstalk(s, sd, o.glassOd, o);
  const c = crosstalkCorrected(s, sd, leak, planes[2]);
  const boundaryOd = o.boundaryOd ?? tissueMedian(c, o.glassOd) + o.boundaryDelta;

  // Thin endomysium between fibres of different pallor is kept by a white top-hat: a pixel
  // standing `lineContrast` above the opening of the plane (square of side 2·lineUm + 1 px, which
  // removes lines narrower than that and keeps fibres) is boundary.
  const r = Math.max(1, Math.round(o.lineUm / mpp));
  // thin endomysium of low contrast is blurred away at smoothUm: the line test may look at a less smoothed plane
  const line = o.lineSmoothUm === null ? c : crosstalkCorrected(gaussianBlur(h, o.lineSmoothUm / mpp, plane(3)).data, gaussianBlur(dab, o.lineSmoothUm / mpp, plane(4)).data, leak, planes[5]);
  lineOpening.opening(line, open, w, ht, r);
  const tissue = o.tissue;
  if (tissue && tissue.length !== n) throw new AnalysisError(`fibre segmentation: tissue mask has ${tissue.length} pixels, ${w}x${ht} needs ${n}`);
  const dist = new Float32Array(n);
  const raw = new Int32Array(n);
  const splitOptions = { dynamic: o.splitDynamicUm / mpp, minSeparation: o.splitMinSeparationUm / mpp, bucketsPerUnit: 4 };
  /** `mask` ← the pale mask with `isLine` as boundary, holes filled, opened */
  const paleMask = (isLine: Uint8Array): void => {
    // Glass carries neither stain; a stained fibre can read paler than glass in hematoxylin alone.
    for (let i = 0; i < n; i++) mask[i] = s[i] + (sd[i] > 0 ? sd[i] : 0) >= o.glassOd && c[i] < boundaryOd && isLine[i] === 0 ? 1 : 0;
    // Internal nuclei and texture specks are small holes in the pale mask; a fibre encloses them.
    // (Not all holes: the glass → connective ramp crosses the fibre band and draws a thin pale ring
    // round the tissue that would enclose the whole connective network.)
    if (tissue) for (let i = 0; i < n; i++) if (tissue[i] === 0) mask[i] = 0;
    fillSmallHoles(mask, w, ht, o.maxHoleUm2 / (mpp * mpp));
    // Opening by a disc: drops that ring and thin pale bridges through a broken endomysium.
    const r2 = (o.openingUm / mpp) ** 2;
    disc.erode(mask, w, ht, r2, eroded);
    disc.dilate(eroded, w, ht, r2, mask);
  };
  // regions: the pale mask split by the watershed of its distance map, in raw
  const lines = strongLines(line, open, n, o.lineContrast);
  paleMask(lines);
  let count = splitter.split(mask, w, ht, raw, splitOptions);
  // Fibres merged through a faint endomysium broken into dashes: the regions far larger than the
  // plane's typical fibre are split again with the faint lines inside them linked
  // (params.fibres.lineContrastLow); elsewhere the strong lines stay as they were, and so do the
  // regions away from the new lines (DistanceSplit.resplit: the same regions as a whole new split).
  const linkPx = Math.round(o.lineLinkUm / mpp);
  if (o.lineContrastLow !== null && o.lineContrastLow < o.lineContrast && linkPx >= 1) {
    const large = largeRegions(raw, count, mpp, o);
    if (large) {
      const linked = linkFaintLines(lines, line, open, w, ht, o.lineContrastLow, linkPx);
      for (let i = 0; i < n; i++) if (large[raw[i]]) lines[i] = linked[i];
      const first = { mask: mask.slice(), labels: raw.slice(), count };
      paleMask(lines);
      count = splitter.resplit(mask, first.mask, first.labels, first.count, w, ht, raw, splitOptions);
    }
  }

  const before = regionStats(raw, w, ht, count);
  const px2 = mpp * mpp;
  const keep = new Int32Array(count + 1);
  let k = 0;
  for (let l = 1; l <= count; l++) {
    const aUm = before.area[l] * px2;
    if (aUm < o.minAreaUm2 || aUm > o.maxAreaUm2) continue;
    if (o.dropEdgeFibres && before.edge[l]) continue;
    if (regionSolidity(before.area[l], before.corners[l]) < o.minSolidity) continue;
    keep[l] = ++k;
  }
  const labels = raw;
  for (let i = 0; i < n; i++) labels[i] = keep[labels[i]];
  if (o.growUm > 0) {
    // The pale mask stops short of the fibre's edge (blur, the faint sarcolemma, the opening):
    // give each fibre back the non-fibre pixels within growUm, each to its nearest fibre.
    growLabels(labels, w, ht, (o.growUm / mpp) ** 2, tissue, edt, dist);
  }
  const st = regionStats(labels, w, ht, k);
  const { area, sx, sy, edge } = st;

  // Depth inside the fibre: distance to the nearest pixel of another label or none. Touching
  // fibres (split by the watershed) have no gap, so their shared border counts as edge too.
  const feature = mask;
  for (let y = 0; y < ht; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      const l = labels[i];
      feature[i] = l === 0 || (x > 0 && labels[i - 1] !== l) || (x < w - 1 && labels[i + 1] !== l) || (y > 0 && labels[i - w] !== l) || (y < ht - 1 && labels[i + w] !== l) ? 1 : 0;
    }
  }
  const depth = dist;
  edt.squared(feature, w, ht, depth);
  // Depth of a pixel centre from the region's outer edge: boundary pixels are half a pixel in.
  for (let i = 0; i < n; i++) depth[i] = Math.sqrt(depth[i]) + 0.5;

  const groups = groupFascicles(labels, k, w, ht, mpp, o.septumUm, o.fascicleHoleMaxUm2, edt);
  // The stained sarcolemma lies on the fibre's edge, which the pale mask puts up to ~1 µm inside
  // (blur, the faint sarcolemma's own hematoxylin): the ring also takes the pixels just outside,
  // up to ringOutUm, each for its nearest fibre.
  const ringSum = new Float64Array(k + 1);
  const ringN = new Int32Array(k + 1);
  const inSum = new Float64Array(k + 1);
  const inN = new Int32Array(k + 1);
  const ringPx = o.ringUm / mpp;
  const outPx = o.ringOutUm / mpp;
  const d = dab.data;
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (l === 0) {
      if (outPx > 0 && groups.distPx[i] <= outPx && groups.nearest[i] >= 0 && (!tissue || tissue[i] !== 0)) {
        const m = labels[groups.nearest[i]];
        ringSum[m] += d[i];
        ringN[m]++;
      }
      continue;
    }
    if (depth[i] <= ringPx) {
      ringSum[l] += d[i];
      ringN[l]++;
    } else {
      inSum[l] += d[i];
      inN[l]++;
    }
  }

  const periph = new Int32Array(k + 1);
  const internal = new Int32Array(k + 1);
  const internalPx = o.internalDepthUm / mpp;
  const periPx = o.peripheralUm / mpp;
  for (const p of o.nuclei) {
    const x = Math.floor((p.x - o.origin.x) / mpp);
    const y = Math.floor((p.y - o.origin.y) / mpp);
    if (x < 0 || y < 0 || x >= w || y >= ht) continue;
    const i = y * w + x;
    const l = labels[i];
    if (l !== 0) {
      if (depth[i] > internalPx) internal[l]++;
      else periph[l]++;
    } else if (groups.nearest[i] >= 0 && groups.distPx[i] <= periPx) periph[labels[groups.nearest[i]]]++;
  }

  const fibres: Fibre[] = [];
  for (let l = 1; l <= k; l++) {
    const hull = convexHull(st.corners[l]);
    fibres.push({
      id: l,
      areaUm2: area[l] * px2,
      x: o.origin.x + (sx[l] / area[l] + 0.5) * mpp,
      y: o.origin.y + (sy[l] / area[l] + 0.5) * mpp,
      minFeretUm: minFeret(hull).diameter * mpp,
      ringDab: ringN[l] ? ringSum[l] / ringN[l] : 0,
      interiorDab: inN[l] ? inSum[l] / inN[l] : ringN[l] ? ringSum[l] / ringN[l] : 0,
      peripheralNuclei: periph[l],
      internalNuclei: internal[l],
      fascicle: groups.fascicleOf[l],
      fascicleFibres: groups.fascicles[groups.fascicleOf[l] - 1].fibres,
      perifascicular: groups.perifascicular[l] === 1,
      touchesEdge: edge[l] === 1,
      hull: hull.map((p) => ({ x: o.origin.x + p.x * mpp, y: o.origin.y + p.y * mpp })),
    });
  }
  return { labels, depthPx: depth, fibres, fascicles: groups.fascicles, boundaryOd, crosstalk: leak };
}

function crosstalkCorrected(s: Float32Array, sd: Float32Array, leak: number, c: Float32Array): Float32Array {
  for (let i = 0; i < s.length; i++) c[i] = sd[i] > 0 ? s[i] - leak * sd[i] : s[i];
  return c;
}

/** Median of the values ≥ floor (a 1024-bin histogram over 0–1 OD: precise to 0.001). */
function tissueMedian(s: Float32Array, floor: number): number {
  const bins = 1024;
  const hist = new Int32Array(bins);
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    if (!(v >= floor)) continue;
    hist[v >= 1 ? bins - 1 : Math.floor(v * bins)]++;
    total++;
  }
  if (total === 0) return floor;
  let acc = 0;
  for (let b = 0; b < bins; b++) {
    acc += hist[b];
    if (2 * acc >= total) return (b + 0.5) / bins;
  }
  return 1;
}

/**
 * Crosstalk estimate: fibre interiors are the palest tissue at any DAB level, so the lower
 * quartile of hematoxylin per DAB bin traces fibre H + leak·DAB; the leak is the least-squares
 * slope over bins holding ≥ crosstalkMinBinPixels pixels, when they span ≥ crosstalkMinSpanOd of DAB
 * (else 0), clamped to ±crosstalkMax (beyond that the vectors are wrong, not jittered). The leak can be negative:
 * stained fibres then read paler, and the correction brings them back to the fibre level.
 */
// this thread's filter for the line top-hat, kept between tiles (its column buffers are two planes
// as tall as the tile plus the window)
const lineOpening = new MinMaxFilter();

/**
 * This thread's transforms and the planes that never leave a segmentation, kept between tiles: a
 * muscle tile allocated them afresh (tens of MB, each page faulted in and zeroed, then collected).
 * Every plane is written whole before it is read.
 */
const scratch = { n: 0, edt: new DistanceTransform(), disc: new DiscMorphology(), splitter: new DistanceSplit(), mask: new Uint8Array(0), eroded: new Uint8Array(0), open: new Float32Array(0), planes: [] as Float32Array<ArrayBuffer>[] };
/** the smoothed hematoxylin and DAB, the crosstalk-corrected plane, and the same three at the line scale */
const PLANES = 6;

function scratchOf(n: number): { edt: DistanceTransform; disc: DiscMorphology; splitter: DistanceSplit; mask: Uint8Array; eroded: Uint8Array; open: Float32Array; planes: Float32Array<ArrayBuffer>[] } {
  if (scratch.n < n) {
    scratch.n = n;
    scratch.mask = new Uint8Array(n);
    scratch.eroded = new Uint8Array(n);
    scratch.open = new Float32Array(n);
    scratch.planes = Array.from({ length: PLANES }, () => new Float32Array(n));
  }
  return { edt: scratch.edt, disc: scratch.disc, splitter: scratch.splitter, mask: scratch.mask.subarray(0, n), eroded: scratch.eroded.subarray(0, n), open: scratch.open.subarray(0, n), planes: scratch.planes.map((p) => p.subarray(0, n)) };
}

const DAB_BIN = 0.05;
const DAB_BINS = 16;
const H_BINS = 512;
const H_MAX = 0.5;

function estimateCrosstalk(s: Float32Array, sd: Float32Array, glass: number, o: Pick<FibreParams, 'crosstalkMinBinPixels' | 'crosstalkMinSpanOd' | 'crosstalkMax'>): number {
  const hist = new Int32Array(DAB_BINS * H_BINS);
  const count = new Int32Array(DAB_BINS);
  for (let i = 0; i < s.length; i++) {
    if (!(s[i] >= glass) || !(sd[i] >= 0)) continue;
    const b = Math.min(DAB_BINS - 1, Math.floor(sd[i] / DAB_BIN));
    const hb = Math.min(H_BINS - 1, Math.floor((s[i] / H_MAX) * H_BINS));
    hist[b * H_BINS + hb]++;
    count[b]++;
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let b = 0; b < DAB_BINS; b++) {
    if (count[b] < o.crosstalkMinBinPixels) continue;
    let acc = 0;
    for (let hb = 0; hb < H_BINS; hb++) {
      acc += hist[b * H_BINS + hb];
      if (4 * acc >= count[b]) {
        ys.push(((hb + 0.5) / H_BINS) * H_MAX);
        break;
      }
    }
    xs.push((b + 0.5) * DAB_BIN);
  }
  if (xs.length < 2 || xs[xs.length - 1] - xs[0] < o.crosstalkMinSpanOd) return 0;
  const mx = xs.reduce((a, v) => a + v, 0) / xs.length;
  const my = ys.reduce((a, v) => a + v, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let j = 0; j < xs.length; j++) {
    sxy += (xs[j] - mx) * (ys[j] - my);
    sxx += (xs[j] - mx) ** 2;
  }
  return Math.min(o.crosstalkMax, Math.max(-o.crosstalkMax, sxy / sxx));
}

interface RegionStats {
  area: Int32Array;
  sx: Float64Array;
  sy: Float64Array;
  /** 1 when the region touches the plane's edge */
  edge: Uint8Array;
  /** hull candidates: the outer pixel corners of each row run's two ends (enough for the convex hull) */
  corners: Point[][];
}

function regionStats(labels: Int32Array, w: number, h: number, count: number): RegionStats {
  const area = new Int32Array(count + 1);
  const sx = new Float64Array(count + 1);
  const sy = new Float64Array(count + 1);
  const edge = new Uint8Array(count + 1);
  const corners: Point[][] = Array.from({ length: count + 1 }, () => []);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const l = labels[row + x];
      if (l === 0) continue;
      area[l]++;
      sx[l] += x;
      sy[l] += y;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) edge[l] = 1;
      if (x === 0 || labels[row + x - 1] !== l) corners[l].push({ x, y }, { x, y: y + 1 });
      if (x === w - 1 || labels[row + x + 1] !== l) corners[l].push({ x: x + 1, y }, { x: x + 1, y: y + 1 });
    }
  }
  return { area, sx, sy, edge, corners };
}
