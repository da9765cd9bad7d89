import { createHash } from 'node:crypto';
import { z } from 'zod';
import { QC_CAUSE_IDS, QcCauseId } from './qc.js';

/**
 * Analysis parameters. Defaults follow QuPath positive cell detection (SCIENCE.md).
 * Every stored score carries the hash of the resolved parameters.
 */
/**
 * Which mean DAB OD grades a cell: the nucleus, the cytoplasm (cell − nucleus, a ring
 * cellExpansionUm wide) or the whole cell (SCIENCE.md "Where each marker stains").
 */
export const Compartment = z.enum(['nucleus', 'cytoplasm', 'cell']);
export type Compartment = z.infer<typeof Compartment>;


/**
 * Fibre segmentation. boundaryDelta: fibre interiors are hematoxylin ~0.03–0.06 with texture,
 * connective tissue ~0.08–0.15 (synthetic muscle, matching typical H-DAB sections); half-way from
 * the fibre median. Area limits: fibres 300–20000 µm² (min Feret ~20–150 µm). Tuned on synthetic
 * muscle seeds 1–30 (test/detect/fibres-eval.ts); seeds ≥ 1000 are held out.
 */
export const FibreParams = z.object({
  /** Gaussian σ of the hematoxylin plane before thresholding, µm */
  smoothUm: z.number().nonnegative().default(1),
  /** pale-mask holes smaller than this are filled (internal nuclei), µm² */
  maxHoleUm2: z.number().nonnegative().default(200),
  /** opening radius of the pale mask, µm: removes pale structures thinner than twice this */
  openingUm: z.number().nonnegative().default(1.5),
  /** smoothed hematoxylin + DAB OD below which a pixel is glass (not tissue) */
  glassOd: z.number().nonnegative().default(0.015),
  /** crosstalk-corrected smoothed hematoxylin OD at or above which a pixel is endomysium / perimysium / nucleus; null = tissue median + boundaryDelta */
  boundaryOd: z.number().positive().nullable().default(null),
  /** automatic boundary: this much above the median smoothed OD of tissue pixels (fibres are most of the area) */
  boundaryDelta: z.number().default(0.025),
  /** hematoxylin OD read per OD of DAB (stain-vector crosstalk, see segmentFibres); null = estimate from the stained pixels */
  dabCrosstalk: z.number().nullable().default(null),
  /**
   * Crosstalk estimate: DAB bins holding at least this many pixels are fitted, when they span at
   * least crosstalkMinSpanOd of DAB (else no correction), and the slope is clamped to
   * ±crosstalkMax (beyond that the vectors are wrong, not jittered).
   */
  crosstalkMinBinPixels: z.number().int().min(1).default(300),
  crosstalkMinSpanOd: z.number().nonnegative().default(0.15),
  crosstalkMax: z.number().nonnegative().default(0.4),
  /** half-width of the widest endomysium line the top-hat keeps, µm */
  lineUm: z.number().nonnegative().default(3),
  /**
   * Gaussian σ of the plane the top-hat line test reads, µm; null = the smoothUm plane. At 1 µm a
   * thin (1 µm), faint (0.03 OD over the sarcoplasm) endomysium fades under lineContrast and
   * neighbouring fibres merge; at 0.5 µm it stays (issue 18 tuning seeds 60–71: seed 61 fibre F1
   * 0.873 → 0.945, none worse).
   */
  lineSmoothUm: z.number().nonnegative().nullable().default(0.5),
  /** top-hat height above which a pixel is a boundary line, OD */
  lineContrast: z.number().nonnegative().default(0.02),
  /**
   * Faint endomysium (issue 18): a region more than largeFactor times the plane's median fibre
   * region (or over maxAreaUm2) is split again with hysteresis — top-hat pixels at least
   * lineContrastLow reached within lineLinkUm of a boundary line are boundary too (null: off).
   * A 1–1.5 µm endomysium only 0.035–0.055 OD above pale sarcoplasm, under JPEG 80, breaks into
   * dashes at lineContrast and its two fibres merge across their straight shared side, a union
   * without a neck (solidity ~0.9) no watershed cuts: test/pipeline/whole-field-pale.test.ts found
   * 59 of 86 whole fibres one to one, 82 with this. Applied everywhere, hysteresis at 0.015
   * split textured fibres (tuning seed 27 fibre F1 1.000 → 0.943; at 0.01 seed 5 0.846); on
   * large regions only, muscle tuning seeds 1–30 are unchanged (mean F1 0.9971) and the widened
   * tuning seeds 60–71 0.9812 → 0.9815 (0.01: seed 62's perimysial density off the bar).
   */
  lineContrastLow: z.number().nonnegative().nullable().default(0.015),
  lineLinkUm: z.number().nonnegative().default(2),
  largeFactor: z.number().positive().default(1.8),
  minAreaUm2: z.number().nonnegative().default(300),
  maxAreaUm2: z.number().positive().default(20000),
  /** area / convex-hull area: fibres are convex polygons; septum fragments and merged groups are not */
  minSolidity: z.number().min(0).max(1).default(0.8),
  /** distance-map watershed: a neck must be this much narrower (µm of radius) than both fibres to split */
  splitDynamicUm: z.number().nonnegative().default(2),
  /** distance-map peaks closer than this are one fibre, µm */
  splitMinSeparationUm: z.number().nonnegative().default(15),
  /** fibres grow back this far into non-fibre pixels after segmentation, µm */
  growUm: z.number().nonnegative().default(1),
  /** border ring width for the sarcolemmal DAB mean, µm (SCIENCE.md: 2–4 µm band) */
  ringUm: z.number().positive().default(3),
  /** the ring also takes non-fibre pixels this close outside the fibre, µm */
  ringOutUm: z.number().nonnegative().default(1),
  /**
   * A nucleus deeper than this inside a fibre is internal, µm; a cell is also counted inside a
   * fibre (Detection.inFibre) only deeper than this. Nearer the edge it sits on the sarcolemma,
   * where peripheral myonuclei and endomysial cells pressed against the fibre both lie; the
   * segmented edge runs ~1 µm inside the true one, so a stricter rule would drop infiltrating
   * cells of a cluster squeezed between fibres (tuning seed 30: a 14-cell cluster lost).
   */
  internalDepthUm: z.number().nonnegative().default(3),
  /** nucleus outside a fibre but within this of it is peripheral: a myonucleus (7–10 µm, SCIENCE.md) notches the pale mask, so its centroid lies up to ~a radius outside; endomysial cells that close count too, µm */
  peripheralUm: z.number().nonnegative().default(5),
  /** gaps wider than this separate fascicles (perimysium), µm */
  septumUm: z.number().positive().default(10),
  /** enclosed gaps of the fascicle zone smaller than this are not perimysium (triple junctions, capillaries), µm² (src/detect/fascicles.ts) */
  fascicleHoleMaxUm2: z.number().nonnegative().default(1000),
  /** drop fibres cut by the plane's edge */
  dropEdgeFibres: z.boolean().default(false),
});
export type FibreParams = z.infer<typeof FibreParams>;

/**
 * Vessels. Tuned on synthetic muscle seeds ≤ 99 (vessel walls 0.18–0.28 OD of hematoxylin, septa
 * 0.08–0.15, walls 2–5 µm, lumens ≥ 2 µm radius); seeds ≥ 1000 are held out.
 */
export const VesselParams = z.object({
  /** lumen area limits, µm² (after the blur a 2 µm lumen keeps ~7 µm²): capillaries' lumens (≲ 1 µm radius) are not resolved; arterioles and venules of the perimysium are up to ~40 µm across */
  minLumenUm2: z.number().nonnegative().default(3),
  maxLumenUm2: z.number().positive().default(1300),
  /** lumen area / bounding-box area at least this (a disc gives π/4 ≈ 0.79; tears and notches are long and thin) */
  minFill: z.number().min(0).max(1).default(0.55),
  /** a wall ring reads at least this hematoxylin OD (median round the ring) */
  wallOd: z.number().positive().default(0.165),
  /** walls are searched up to this far outside the lumen, µm */
  maxWallUm: z.number().positive().default(10),
  /**
   * A wall fainter than wallOd still counts when its ring median stands wallContrastOd above the
   * median of the rings from maxWallUm to maxWallUm + surroundUm outside the lumen (the septum
   * round it), but never under minWallOd (above the lumen's own level without glass in view); its
   * outer edge is where the ring falls back under that. Issue 18: where connective tissue is pale
   * (septa ~0.06–0.1 OD) walls, planted 0.04–0.12 above the septa, peak at 0.15–0.16 after blur,
   * under wallOd (tuning seeds 63, 69: perivascular recall 4/8, 0/5 → 8/8, 5/5). Without the
   * minWallOd floor the glass-free seed 67 found false vessels (endomysial recall 175 → 166 of 180,
   * perivascular density 6 per mm² for a true 1); 0.13 keeps 175/180 and 1 per mm² while seed 69's
   * faintest wall (median peak 0.163 over a 0.098 septum) still counts. A hole without a darker ring
   * (ice in a fibre, a tear) has no such contrast. wallContrastOd 0 = absolute wallOd only.
   */
  wallContrastOd: z.number().nonnegative().default(0.03),
  minWallOd: z.number().nonnegative().default(0.13),
  surroundUm: z.number().positive().default(5),
  /**
   * Lumens are looked for on the summed OD smoothed by this σ, µm: half the section's smoothing,
   * since a ~2 µm lumen inside a thick dark wall drops under the 3 µm² floor when the wall's OD is
   * blurred into it (tuning seeds 41–99: 109 of 111 vessels found at σ = 0.5 µm, 111 of 111 at 0.25 µm).
   */
  lumenSmoothUm: z.number().nonnegative().default(0.25),
  /** Gaussian σ of the hematoxylin plane the wall is read on, µm: a median ring of single pixels is noise */
  wallSmoothUm: z.number().nonnegative().default(0.5),
  /**
   * No glass in view (detect/lumen-level.ts): holes are the pixels within this summed OD of the
   * tile's brightest lumen-sized set. Glass noise is σ ≈ 0.01 summed per pixel after the lumen
   * smoothing and that set sits ~3σ under the glass, so 0.05 takes in ~95% of a lumen while a pale
   * fibre (≥ 0.05 above the glass, params.muscle.tissueOd) shows only specks under the lumen floor.
   */
  holeBandOd: z.number().positive().default(0.05),
  /** a hole's surroundings (a ring holeRingUm wide) read at least this much more summed OD: wall or tissue round it */
  holeContrastOd: z.number().positive().default(0.1),
  holeRingUm: z.number().positive().default(2),
});
export type VesselParams = z.infer<typeof VesselParams>;

export const LocationParams = z.object({
  /**
   * Own choice: perivascular = within 30 µm of a vessel's outer wall. A perivascular cuff is a few
   * cells thick; 30 µm is 3–4 lymphocyte diameters (SCIENCE.md "Cells": nuclei ~7–10 µm), wide
   * enough to take a dense cuff but short of the next fibre row in most septa.
   */
  perivascularUm: z.number().nonnegative().default(30),
  /**
   * Narrowest perimysial septum, µm (own choice): gaps between fibres narrower than this are
   * endomysium. Segmented fibres sit ~1 µm inside the true border, widening every gap by ~2 µm,
   * and triple junctions are wider than the endomysium; 12 µm stays clear of the narrowest septa
   * (15 µm in synthetic muscle). On synthetic tuning seeds 7 and 13 with fibres from
   * segmentFibres, infiltrate location accuracy was 0.842 / 0.786 at a 10 µm cut, 0.934 / 0.869 at
   * 12 µm and no better up to 18 µm; with the planted fibre map it does not change.
   */
  septumUm: z.number().positive().default(12),
  /**
   * Perimysium is a septum between fascicles, so it is long: a gap wider than septumUm that is
   * enclosed inside a fascicle — a pocket round an inflammatory cell or a cluster pressed between
   * fibres, round an atrophic or a necrotic fibre — is endomysium however wide it is (issue 18).
   * Perimysium components smaller than this, not reaching the plane's edge, are dropped, µm²; 0
   * keeps every gap wider than septumUm. A septum crossing a 512 px tile at 0.5 µm/px is ≥ 15 ×
   * 256 µm ≈ 3800 µm² even where it only clips a corner of the read plane, and it touches the
   * plane's edge anyway; pockets round a cell or a cluster stay under ~3000 µm². On issue 18
   * tuning seeds 60–71 endomysial recall rose from 0.841 to 0.929 (pooled) at 4000 µm², perimysial
   * unchanged (0.993).
   */
  pocketMaxUm2: z.number().nonnegative().default(4000),
  /**
   * Each fascicle's fibres are also closed on their own with a disc of this radius, µm, and the
   * closing's holes filled (src/score/perimysium-mask.ts, issue 18 point 2): what one fascicle
   * encloses or nearly encloses is endomysium, while a septum, bounded by another fascicle, is
   * never closed over. The misses it mends are endomysial cells in the notch an atrophic or shrunk
   * edge fibre leaves between its neighbours and the septum (fascicles are convex, so the notch is
   * inside the fascicle), joined to the septum and read perimysial. Tuned on issue 18 tuning seeds
   * 60–71 (pooled endomysial / perimysial recall): off 0.931 / 0.995, 10 µm 0.952 / 0.995, 25 µm
   * 0.983 / 0.993 (worst slide 0.86 → 0.91 endomysial), 40 µm 0.990 / 0.985 but seed 69 perimysial
   * 0.81 (a septum between two fascicles joined into one group closes over). With the vessel
   * contrast rule in, 32 µm gained 0.005 endomysial and lost seed 69 a perimysial cell (15/16): 25
   * stays, clear of where 40 breaks. 0 = off.
   */
  fascicleCloseUm: z.number().nonnegative().default(25),
  /**
   * Notches of a fascicle's convex hull (fibres only) up to this many of its median fibre areas
   * are endomysium (src/score/perimysium-mask.ts fillHullNotches): where an edge fibre is missing
   * from the segmentation (a necrotic fibre full of macrophages), the notch it leaves is wider than
   * the closing above mends, and its macrophages read perimysial; and a cell against an edge
   * fibre's outer side lies inside the fascicle however wide the septum beyond it. A group with a
   * larger piece of its hull outside the closing is two fascicles joined across a septum, and is
   * left as the closing made it. Own choice (one fibre and a half), tried at that value on the
   * tuning seeds (60–95, bench/tune-muscle-wide.ts; pooled endomysial / perimysial recall 0.973 /
   * 0.984 → 0.995 / 0.979; seed 77 meets the bars now, 61 reads 16 perimysial per mm² for 19,
   * three cells in a hull that took in a bent septum). 0 = off.
   */
  fascicleNotchFibres: z.number().nonnegative().default(1.5),
  /**
   * Each fascicle's closing (fascicleCloseUm, fascicleNotchFibres) runs on the fibre labels
   * sampled to about this pixel size, µm (the largest whole factor of the fibre raster's not
   * coarser), and is drawn back onto that raster; the septum closing (septumUm), which draws the
   * septa's edges, stays on the fibre raster. A 25 µm closing is 12 px at 2 µm, while on the 1 µm
   * fibre raster the fascicles' closings were two thirds of the perimysium's time (issue 13). The
   * fibre raster's own pixel size or less = that raster.
   */
  fascicleGridUm: z.number().positive().max(8).default(2),
});
export type LocationParams = z.infer<typeof LocationParams>;

/**
 * HPF: the JDM score tool (Wedderburn et al. 2007) counts per high-power field of a 20× objective.
 * With a field-number-22 eyepiece the field is 22/20 = 1.1 mm across, π·0.55² = 0.950 mm² (our
 * assumption on the eyepiece). Note a 40× field (0.55 mm, 0.238 mm²) is often called "HPF"
 * elsewhere — not here.
 */
export const HPF_AREA_MM2 = Math.PI * 0.55 * 0.55;

export const InfiltrateParams = z.object({
  hpfAreaMm2: z.number().positive().default(HPF_AREA_MM2),
  /** the tool's "≥4 cells/HPF" level (SCIENCE.md "Scores") */
  cellsPerHpf: z.number().positive().default(4),
  /** cells within this of each other link into one cluster, µm (SCIENCE.md "Scores": within ~20 µm) */
  linkUm: z.number().positive().default(20),
  /** clusters have at least this many cells (SCIENCE.md "Scores"; Wedderburn et al. 2007) */
  minClusterCells: z.number().int().min(1).default(10),
  /** the tool counts marker-positive cells: graded ≥ 1+; 0 counts every nucleated cell (H&E-like) */
  minGrade: z.number().int().min(0).max(3).default(1),
  /** diffuse needs fewer than this fraction of the location's cells in clusters (own definition) */
  diffuseMaxClusteredFraction: z.number().min(0).max(1).default(0.5),
});
export type InfiltrateParams = z.infer<typeof InfiltrateParams>;

/**
 * IL-1 "expressed" (own choice; the study called expression by eye and no number is published):
 * expressed when EITHER
 *  - % positive area ≥ 1%: diffuse (interstitial, sarcoplasmic, endothelial) expression covers
 *    areas, and 1% is far above what unstained tissue gives at the 0.25 OD positive-area
 *    threshold (hematoxylin bleed-through and noise, ≪ 0.1%), yet low enough for focal
 *    expression in a biopsy;
 *  - positive cells ≥ 10 per mm²: expression confined to infiltrating cells hardly moves the
 *    area (10 cells of ~80 µm² per mm² are 0.08% of it), so cells are counted on their own.
 *    10/mm² ≈ 10 per 20× high-power field (0.95 mm²): clearly more than the odd misgraded cell,
 *    and above the JDM tool's "≥4 cells/HPF" level.
 */
export const Il1Params = z.object({
  minPctPositiveArea: z.number().nonnegative().max(100).default(1),
  minPositiveCellsPerMm2: z.number().nonnegative().default(10),
});
export type Il1Params = z.infer<typeof Il1Params>;

export const Mhc1Params = z.object({
  /**
   * Both fibre thresholds start from SCIENCE.md's 1+ threshold for a compartment mean (DAB OD ≥
   * 0.2, QuPath). The interior keeps it. The ring mean (segmentFibres: 3 µm band inside the
   * fibre's border + 1 µm outside) averages a 2–4 µm stained sarcolemma with unstained edge and
   * endomysium pixels, roughly halving it, so the ring threshold is half: 0.1. On synthetic muscle
   * seeds 1–8 (1024²) truth-negative fibres measured ring ≤ 0.059 and interior ≤ 0.060; ring-only
   * positives (planted 0.3–0.65) measured ring ≥ 0.127; sarcoplasmic positives (planted
   * 0.25–0.5) interior ≥ 0.25.
   */
  ring: z.number().nonnegative().default(0.1),
  interior: z.number().nonnegative().default(0.2),
  /**
   * Pattern rule (src/score/mhc1.ts): perifascicular needs at least patternMinEach fibres both at
   * fascicle edges and inside, an edge positive fraction ≥ perifascicularMinEdge and ≥
   * perifascicularRatio × the interior fraction; focal needs one class to cluster: neighbours
   * (centroids within neighbourFactor × the median nearest-neighbour distance) of the same class
   * more often than chance by focalExcess.
   */
  patternMinEach: z.number().int().min(0).default(3),
  perifascicularMinEdge: z.number().min(0).max(1).default(0.3),
  perifascicularRatio: z.number().nonnegative().default(3),
  neighbourFactor: z.number().positive().default(1.5),
  focalExcess: z.number().min(0).max(1).default(0.25),
});
export type Mhc1Params = z.infer<typeof Mhc1Params>;

/**
 * Das et al. MHC-I grade from % positive fibres (SCIENCE.md "Scores"): grade g (1–3) up to and
 * including these; 4 above 50% but not every fibre; 5 every fibre. A published definition, not a
 * parameter.
 */
export const MHC1_GRADE_UPPER_PCT = [10, 25, 50] as const;

/** the causes QC looks for unless told (QcParams.causes says why fold is not among them) */
export const DEFAULT_QC_CAUSES = QC_CAUSE_IDS.filter((c) => c !== 'fold');

/**
 * Automatic quality control (src/detect/qc/, issue 10 point 4; SCIENCE.md "Quality control").
 * Decisions are made on square blocks of blockUm; every threshold below was tuned on synthetic
 * lab-realism seeds < 100 (scratch runs of src/eval/qc.ts) and is checked on held-out seeds ≥ 4000.
 * OD values are summed RGB optical density against the slide's I0.
 */
export const QcParams = z.object({
  /**
   * Exclude what QC flags from every score (src/pipeline: tiles drop flagged blocks' pixels, cells
   * and fibres). On by default: with the default causes every golden muscle slide (the shipped
   * sections included, all clean by construction) loses under 1 % of its tissue (at most 0.5 %, to
   * ice; test/eval/qc-clean-slides.test.ts), so clean-slide scores stay within issue 10's 1 %, and
   * the held-out QC regions meet its bars (each cause ≥ 0.9 by area, clean tissue ≤ 3 %,
   * test/eval/qc.test.ts). `--no-qc` scores every tissue pixel.
   */
  enabled: z.boolean().default(true),
  /**
   * The causes looked for when enabled; a cause left out is never flagged. Folds are left out by
   * default (`--qc` or causes listing 'fold' turn them on): the fold detector meets its held-out
   * bar, but on clean muscle slides it calls perimysial septa that carry real DAB (IL-1 patches,
   * CD163+ macrophages) folds, costing the shipped sections 4–15 % of their tissue
   * (bench/qc-clean-look.ts); colour cannot tell a septum (connective tissue between fibres) from
   * a fold (a band doubling the fibres it crosses), and no structural test tried here separated
   * them on the tuning seeds (thin-line density, fine texture, group shape, DAB leak correction;
   * then, per candidate group against the tissue around it: hematoxylin percentile ratios from
   * the 25th to the 98th, Hessian ridge and relative top-hat line densities, block maxima — each
   * overlapped between the planted folds of seeds 20–94 and the septa of the shipped sections).
   */
  causes: z.array(QcCauseId).default([...DEFAULT_QC_CAUSES]),
  /**
   * Tissue tiles (evenly spread over the slide's tile list) whose cores the plan reads to set the
   * slide's own focus and fold references (src/pipeline/qc-reference-sample.ts): a tile holds
   * ~16 000 blocks, so 12 give a stable median while planning reads ~12 MP.
   */
  referenceTiles: z.number().int().min(1).max(200).default(12),
  /** side of a QC block, µm: about one nucleus, so a block is small against every artefact (≥ 20 µm across) */
  blockUm: z.number().positive().max(64).default(8),
  /** a block is tissue (counted in the references and in the verdict) when this share of it reaches tissueOd */
  tissueOd: z.number().nonnegative().default(0.08),
  minTissueFraction: z.number().min(0).max(1).default(0.5),
  /** light smoothing before gradients, µm: sensor noise off, nucleus edges kept */
  smoothUm: z.number().nonnegative().default(0.5),
  /** coarse smoothing, µm, whose gradient energy the fine one is compared with (focus) */
  coarseUm: z.number().positive().default(1.5),
  /**
   * Out of focus: per block the fine/coarse gradient-energy ratio (in focus ≈ 2.4, blurred by
   * σ ≥ 3 µm ≈ 1.1, from the Gaussian edge model) of the energies summed over the block and its 8
   * neighbours (coarse smoothing spreads an edge's energy into the next block, which alone then
   * reads below 1), judged only where that mean coarse energy reaches focusMinEnergy (flat stroma,
   * pale fibre interiors and smooth stain gradients have no edge to judge and are never called
   * blurred on their own); a tissue block takes the median of the judged ratios within
   * focusVoteUm, when at least focusMinJudged are judged (fibre interiors borrow the verdict of
   * the fibre borders around them); below focusRatio × the slide's median, it is blurred. Groups
   * under focusMinUm2 are dropped: the smallest planted patch is ~40 µm across. Tuned on seeds
   * 20–94 (bench/qc-tune.ts: 32 artefact and 20 clean regions): single-block ratios → 3 × 3 sums
   * took sensitivity 0.89 → 0.93 and clean tissue lost to focus 2.9 % → 1.3 % (artefact regions),
   * 2.5 % → 0.6 % (clean regions; smooth DAB patches in cell fields had read as blurred).
   */
  focusMinEnergy: z.number().nonnegative().default(0.00001),
  /**
   * The plane the focus ratio is read on (src/detect/qc/planes.ts): summed OD, hematoxylin alone,
   * or both (a block is blurred only when its summed-OD ratio is under focusRatio × the slide's
   * AND its hematoxylin ratio under focusHemaRatio × the slide's hematoxylin median). Diffuse DAB
   * patches (IL-1 fibre staining) are smooth at any focus and on summed OD read as blurred: the
   * shipped whole-field JPEG lost 11.4 % of its tissue to focus, the golden CD163 scene (seed 74)
   * 1.7 %; a real blur blurs the nuclei's hematoxylin too, a DAB patch leaves it sharp. Hematoxylin
   * alone needed focusRatio 0.62 on tuning seeds 20–94 for sensitivity 0.92 and then cost held-out
   * clean tissue beside artefacts 3.06 % (bar 3 %); 'both' keeps summed OD's sensitivity (0.930)
   * and takes tuning clean tissue lost to focus 1.26 % → 0.63 % (artefact regions), 0.60 % → 0.14 %
   * (clean regions), and every golden muscle slide's focus exclusion to 0 (bench/qc-clean-look.ts).
   */
  focusPlane: z.enum(['od', 'hematoxylin', 'both']).default('both'),
  /**
   * focusPlane 'both': the hematoxylin ratio's cut, × the slide's median hematoxylin ratio. Tuned on
   * seeds 20–94 (bench/qc-tune.ts) and the golden muscle slides: 0.62 → focus sensitivity 0.893,
   * 0.66 → 0.930 (summed OD alone: 0.931), 0.7 → 0.931 but the golden CD163 scene lost 1.5 % to focus.
   */
  focusHemaRatio: z.number().positive().max(1).default(0.66),
  /**
   * focusPlane 'both': a block whose hematoxylin ratio alone is under this × the slide's
   * hematoxylin median is blurred whatever its summed-OD ratio (0 = never). Sensor and JPEG noise
   * added after the blur keeps summed OD's fine-scale energy up on some sections (lab-realism
   * seed 5017, an IL-1Ra muscle JPEG: a 70 µm patch of σ 4.9 µm read 0.74 of the slide's median on
   * summed OD and 0.51 on hematoxylin, so 'both' left it in and 29 of its nuclei went missing); a
   * diffuse DAB patch leaves the hematoxylin sharp, so this rule does not take it. Chosen on the
   * tuning seeds 20–94 (bench/qc-tune.ts): 0.45–0.55 cost no clean tissue there, 0.58 began to
   * (+0.04 %), 0.62 cost 1.1 %. Lab-realism tuning seeds 12–53: seed 53 (an MHC-I section)
   * density error 20.1 % → 3.3 %, no slide worse by more than 0.1 point. Held-out regions
   * (test/eval/qc.test.ts): clean tissue beside artefacts lost to focus 0.63 % → 1.57 % (all causes
   * 2.48 %, bar 3 %), sensitivity unchanged.
   */
  focusHemaAloneRatio: z.number().nonnegative().max(1).default(0.55),
  focusMinJudged: z.number().int().min(1).default(2),
  focusRatio: z.number().positive().max(1).default(0.6),
  focusVoteUm: z.number().nonnegative().default(32),
  focusMinUm2: z.number().nonnegative().default(300),
  /**
   * Folds: a block's floor (summed OD at the foldPercentile of its pixels, so nuclei do not count)
   * at least foldRatio × the slide's median floor of tissue blocks AND foldLocalRatio × the
   * foldLocalPercentile of the floors of the tissue blocks within foldLocalUm (a fold doubles every
   * concentration, factor 1.8–2.2, relative to what lies beside it; a low percentile of a window
   * wider than the widest fold, ~40 µm, so the middle of a wide fold still sees the tissue beside
   * it; the 35th percentile of a block, not a lower one, so a block half across a narrow 12 µm
   * fold still reads it), AND the same for its hematoxylin floor (foldHemaRatio: a DAB-filled MHC-positive fibre
   * does not double the counterstain) AND its DAB floor (foldDabRatio, less foldDabSlackOd where
   * there is next to no DAB background to double): a fold doubles every absorber of what it covers,
   * while a perimysial septum between pale fibres is connective tissue whose hematoxylin alone is
   * 2–3 × the sarcoplasm's, its non-nuclear background no higher — the septum/fold confusion that
   * capped the hematoxylin-only rule at 0.5–0.7 sensitivity. Flagged groups smaller than
   * foldMinUm2 are dropped (a fold is a band, not a speck). Tuned on seeds 20–94 (bench/qc-tune.ts,
   * 32 artefact and 20 clean regions): sensitivity 0.51 → 0.91, clean tissue lost to folds 2.1 % →
   * 1.5 % (artefact regions), 1.5 % → 0.35 % (clean regions).
   */
  foldPercentile: z.number().min(0).max(1).default(0.35),
  foldRatio: z.number().positive().default(1.0),
  foldMinUm2: z.number().nonnegative().default(600),
  foldLocalUm: z.number().nonnegative().default(48),
  foldLocalRatio: z.number().positive().default(1.4),
  foldLocalPercentile: z.number().min(0).max(1).default(0.3),
  foldHemaRatio: z.number().nonnegative().default(1.4),
  foldDabRatio: z.number().nonnegative().default(1.4),
  foldDabSlackOd: z.number().nonnegative().default(0.003),
  /**
   * Band test on each flagged group (after foldMinUm2): its median DAB floor at least
   * foldGroupDabRatio × the median DAB floor of the unflagged tissue blocks within foldGroupRingUm
   * of it (src/detect/qc/fold.ts). Perimysial septa, vessel walls, infiltrates and CD163+ cell
   * groups held 1.0–1.6 × the DAB background around them on the golden muscle slides, planted
   * folds 1.5–3 ×. Tuned on seeds 20–94 (bench/qc-tune.ts) and the golden muscle scenes (seeds
   * 73–76) and shipped slides: a ring of 48 µm took 0.91 → 0.86 fold sensitivity (the ring reaches
   * other folds' shoulders), 32 µm kept 0.91.
   */
  foldGroupDabRatio: z.number().nonnegative().default(1.5),
  foldGroupRingUm: z.number().nonnegative().default(32),
  /**
   * Pen: a pixel is ink when its summed OD reaches penMinOd and the share of its OD vector off the
   * hematoxylin–DAB plane reaches penOffPlane (stained tissue < 0.05 even with 10° vector drift;
   * blue/green/black inks ≥ 0.12); a block is pen when penBlockFraction of it is ink (low: ink
   * edges are sharp, so a block a stroke's edge crosses is pen; at 0.2 with growing, pen cost ~1 %
   * of clean tissue on tuning seeds, at 0.05 without growing none, sensitivity 0.97 → 0.99).
   */
  penMinOd: z.number().nonnegative().default(0.3),
  penOffPlane: z.number().min(0).max(1).default(0.1),
  penBlockFraction: z.number().min(0).max(1).default(0.05),
  /**
   * 8-connected groups of pen blocks smaller than this (µm²) are not pen: a stroke covers a field
   * of blocks (16–50 µm wide and long on synthetic slides, wider on real ones), a nucleus one to
   * four. Dark nuclei leave the H-DAB plane when the slide's hematoxylin is off the vector used:
   * held-out seed 5042 (whole field, unstained, hue drifted 9.8°; with one stain Macenko keeps the
   * defaults, 6° off) had 198 blocks of a section without pen sent to pen (4.8 %) and 116 of its
   * 300 cells out of the count; at 300 µm², 56 blocks remain (a dense perivascular infiltrate, one
   * group: a limit) and its density error falls 5.9 % → 3.3 %. Tuning seeds 20–94 (bench/qc-tune.ts):
   * pen sensitivity the same at 300–600. An opening of the ink pixels by an 8 µm square instead
   * took all of 5042's pen away but lost a faint, speckled stroke (seed 26: 0.79 → 0). Estimating
   * hematoxylin alone on one-stain slides (first eigenvector of the dark pixels' OD) was tried:
   * it did not find the rendered hue (4–6° off on unstained held-out slides, up to 35° where a weak
   * DAB was in view). 0 = off.
   */
  penMinUm2: z.number().nonnegative().default(300),
  /**
   * σ, µm, of the smoothing of each channel's OD before the off-plane share is taken: pixel noise on
   * pale sarcoplasm (summed OD ~0.3, at penMinOd) throws single pixels off the H-DAB plane, enough
   * speckle for penBlockFraction over whole fibres, while an ink stroke is off the plane everywhere.
   * Widened muscle tuning seeds 60–67 (bench-style scratch runs): seed 67 (CD163) lost 12.6 % of a
   * clean section to pen, seed 62 0.4 %, seed 66 0.1 %; at 0.5 µm none. The OD is averaged over
   * square bins that average as many pixels as this Gaussian (side 2√π σ: 4 px at 0.5 µm/px), not
   * blurred: QC planes 211 → 147–176 ms/MP on a dense cell slide, pen sensitivity on the tuning
   * regions 0.991 → 0.989, held-out 0.999 as before, clean tissue excluded unchanged.
   */
  penSmoothUm: z.number().nonnegative().default(0.5),
  /**
   * Freezing artefact (muscle only): a hole is a round glass-bright spot (smoothed OD ≤ iceMaxOd:
   * glass reads ≤ ~0.08 under ±6 % vignetting), at least iceContrast below the closing of radius iceRadiusUm (the surrounding fibre), area
   * iceMinUm2–iceMaxUm2 (crystals 2–8 µm across); a block is ice when holes cover iceFraction of
   * the window of iceWindowUm around it AND it holds a bright spot itself (the sarcoplasm between
   * holes is intact; flagging whole windows cost 2.4 % of clean tissue on tuning seeds, this
   * 0.4 %) (planted regions: 8–20 % of fibre area, 0.03 keeps their sparse edges; vessel lumens
   * are single).
   */
  iceMaxOd: z.number().nonnegative().default(0.1),
  iceContrast: z.number().nonnegative().default(0.035),
  iceRadiusUm: z.number().positive().default(5),
  iceMinUm2: z.number().nonnegative().default(2),
  iceMaxUm2: z.number().positive().default(60),
  iceFraction: z.number().min(0).max(1).default(0.03),
  /** a hole fills at least this share of its bounding box (disc π/4; triangle-shaped gaps where three fibres meet ≤ 1/2) */
  iceMinFill: z.number().min(0).max(1).default(0.65),
  iceWindowUm: z.number().positive().default(24),
  /**
   * Holes (by the centre of their box) the window must hold: a capillary lumen is one round
   * glass-bright spot, and alone it cost the clean golden muscle slides up to 0.7 % of their tissue
   * to ice; 2 takes that to ≤ 0.47 % (bench/qc-clean-look.ts) with ice sensitivity on tuning seeds
   * 20–94 0.974 → 0.973 (3: 0.37 %, 0.971).
   */
  iceMinHoles: z.number().int().min(1).default(2),
  /**
   * A spot bordering glass-bright pixels (smoothed OD ≤ this) that are no spot is the rim of a
   * vessel lumen wider than the closing, or of glass in a bay of the section's edge, not a crystal
   * (null = no such test). Lumens broke into 4 round rim spots, and the clean golden CD163 and
   * infiltrate sections lost 0.35–0.41 % of their tissue to ice (4 of 221 cells; the slide's
   * positive share moved 1.84 %); now 0. Tuning seeds 20–94 (bench/qc-tune.ts): ice sensitivity
   * 0.973 → 0.972, clean tissue lost to ice 0.09 % → 0.06 % (0.03: 0.973, 0.08 %).
   */
  iceLumenOd: z.number().nonnegative().nullable().default(0.05),
  /**
   * Bubbles / debris: a rim pixel is dark (summed OD ≥ bubbleRimOd) and neutral (smallest channel
   * OD ≥ bubbleNeutral × the largest: stains absorb one channel weakly, air/debris rims do not);
   * regions the rim encloses, of at least bubbleMinUm2, that are flat (s.d. of their smoothed OD
   * ≤ bubbleFlatSd) are bubbles.
   */
  bubbleRimOd: z.number().nonnegative().default(0.6),
  bubbleNeutral: z.number().min(0).max(1).default(0.7),
  bubbleMinUm2: z.number().nonnegative().default(200),
  bubbleFlatSd: z.number().nonnegative().default(0.1),
  /**
   * a region that touches the tile's edge is a bubble only when its rim contact (pixels) is at
   * least this × its edge contact: a disc cut at a corner measures 0.74, one cut by a single edge
   * > 1; the open field meets the whole tile edge (3584 px on a 768 × 1024 tile against at most
   * ~2000 px of pen and bubble rims on tuning seeds) and must also be flat to count
   */
  bubbleRimToEdge: z.number().nonnegative().default(0.6),
  /** a block is bubble when this share of it is bubble: the rim is sharp, so a block the edge crosses goes too */
  bubbleBlockFraction: z.number().min(0).max(1).default(0.05),
  /**
   * Focus and fold masks grow by this, µm: their edge (blur blend, fold shoulder) is changed
   * tissue the block rule cuts. Pen, bubble and ice are decided from pixel masks with sharp
   * edges and are not grown (growing them cost ~1 % of clean tissue for nothing on tuning seeds).
   */
  dilateUm: z.number().nonnegative().default(8),
  /**
   * Focus masks grow by this, µm: the heavy blur fades over ~20 % of a patch's radius beyond the
   * half-blur circle, and the median vote pulls the decided edge inward by up to focusVoteUm
   */
  focusDilateUm: z.number().nonnegative().default(24),
  /**
   * Verdict: 'review' when more than reviewPct % of the tissue is excluded (issue 10); 'fail' when
   * more than failPct % is (own choice: with under half the tissue left, the scores describe a
   * minority of the section and a reader must recut or rescan, not just look).
   */
  reviewPct: z.number().min(0).max(100).default(30),
  failPct: z.number().min(0).max(100).default(50),
  /**
   * A fibre is left out of every fibre score when more than this share of its area lies in
   * excluded blocks (own choice: more than half of it is under an artefact). Why by area and not by
   * centroid as cells are: a fibre is 50–80 µm across against 8 µm blocks, and freezing artefact
   * excludes only the blocks that hold holes, so the centroid of a fibre riddled with ice fell in
   * an intact block as often as not, and a 4 µm shift of a damaged fibre's segmented centroid
   * flipped it in or out (held-out lab-realism seed 5043: 2 of 9 fibres left in disagreed so).
   */
  fibreMaxExcluded: z.number().min(0).max(1).default(0.5),
});
export type QcParams = z.infer<typeof QcParams>;

/** tile core, analysis pixels, of a cell analysis unless params.tileSize says otherwise */
export const CELL_TILE_SIZE = 1024;
/**
 * ... and of a muscle analysis: the muscle overlap reads 100 µm round every core, so a 1024 px core
 * at 0.5 µm/px reads 1.9 × its area and a 2048 px core 1.45 ×; the fibre, perimysium, tissue and
 * vessel work on that read fell by a third (bench 4096² MHC-I section, one thread, every tile:
 * 0.69 → 0.87–0.96 MP/s).
 */
export const MUSCLE_TILE_SIZE = 2048;

/** The nucleus detectors: the classical watershed and the learned U-Net (models/nuclei-unet). */
export const NucleusDetectorId = z.enum(['classical', 'model']);
export type NucleusDetectorId = z.infer<typeof NucleusDetectorId>;

export const AnalysisParams = z.object({
  /** µm/px the analysis runs at; the slide level closest to it is read */
  targetMpp: z.number().positive().max(100).default(0.5),
  /**
   * tile core size in analysis pixels (the grid step); absent: CELL_TILE_SIZE, or MUSCLE_TILE_SIZE
   * for muscle analysis (tileSizeOf)
   */
  tileSize: z.number().int().min(128).max(8192).optional(),
  /** overlap on each side, µm; at least one cell diameter so seams never cut a cell */
  overlapUm: z.number().nonnegative().max(200).default(24),
  stain: z
    .object({
      /**
       * Per-slide Macenko vectors by default: scanners and staining runs rotate stain vectors by
       * several degrees, and on synthetic tuning slides rotated ~5° the H-DAB defaults misread DAB
       * by ~0.06 OD (H-score off by >10 points) while Macenko kept it within 3. Degenerate
       * estimates fall back to the defaults, and the vectors used are stored with the scores.
       */
      mode: z.enum(['default', 'macenko']).default('macenko'),
      /** 'estimate': I0 per channel from the slide's glass (tissue-free overview pixels); 'fixed': use i0 */
      background: z.enum(['estimate', 'fixed']).default('estimate'),
      /**
       * Background intensity for OD when fixed, and the white point when no glass is in view (a
       * whole-field section): 255, the file's white point; tissue is never the reference white.
       */
      i0: z.number().min(1).max(255).default(255),
      /**
       * No glass in view: the glass vessel lumens show, when it reads at least this summed OD
       * against the white point (~1.5 % darker per channel), is I0 instead (estimate-stains.ts
       * i0FromLumens); below it the white point stands. 0 = always when lumens are found.
       */
      lumenI0MinOd: z.number().nonnegative().default(0.04),
      /** ...and only when it reads at least this summed OD below the palest 5 % of the section (estimate-stains.ts: why) */
      lumenI0MarginOd: z.number().nonnegative().default(0.04),
      /** Macenko: tiles sampled across the slide, and the side (analysis px) read from each core's corner */
      sampleTiles: z.number().int().min(1).max(100).default(6),
      sampleSidePx: z.number().int().min(16).max(4096).default(512),
      /**
       * Macenko skips pen ink (issue 10: a wide black stroke sampled with the tissue pulled the
       * hematoxylin vector ~16°, and QC then read every nucleus as ink): a pixel is used only when
       * the share of its OD vector off the default H-DAB plane (|OD · n| / |OD|) is below
       * maxOffPlane, then, offPlaneRefits times, below half the previous share off the plane the
       * kept pixels span (the slide's own plane, so its drifted stains stay in). Inks are dyes off
       * any H-DAB plane (black ≈ 0.23, blue ≈ 0.29, green ≈ 0.53 off the default one); a stain
       * drifted 10° in a random direction leaves it by sin 10°·|cos φ| (≤ 0.17, ≤ 0.04 on the
       * tuning draws). Tuned on seeds 1–32 with 10° drift: 0.2 still let black ink over tissue pull
       * the vectors up to 31°, 0.15 with two refits none beyond Macenko's own error without ink
       * (worst 9.6° cells, 16° muscle, the same as without the filter). 1 = keep every pixel.
       */
      maxOffPlane: z.number().min(0).max(1).default(0.15),
      offPlaneRefits: z.number().int().min(0).max(5).default(2),
      /**
       * An estimated stain vector further than this from its default (degrees) is not taken:
       * that stain keeps the default (noted in provenance). What lies that far is not a staining
       * run's drift but what the sample held besides: ink on an unstained section (Macenko then
       * takes the ink for the second stain), a fold's doubled tissue tint. Own choice on the
       * lab-realism tuning seeds 10–97 (83 slides, every marker; stains drifted up to 10°): with no
       * limit the worst estimates were 30.1° off (hematoxylin: an unstained muscle section with a
       * pen stroke, seed 55) and 18.1° (DAB), and slides missing a lab-realism bar 10; with 15° the
       * worst are 11.6° and 14.5°, the means 2.44° → 1.98° and 3.76° → 3.56°, 8 slides miss a bar
       * (seed 26, a blue stroke in the sampled corner of a cell slide, no longer loses its nuclei
       * to QC's pen rule: F1 0 → 1.0).
       */
      maxDriftDeg: z.number().positive().max(90).default(15),
      /** glass must make up at least this share of the overview (and this many pixels) to anchor I0 */
      minGlassFraction: z.number().min(0).max(1).default(0.03),
      minGlassPixels: z.number().int().nonnegative().default(50),
    })
    .prefault({}),
  /**
   * Flat field and glass (SCIENCE.md "Illumination and background", src/stain/illumination.ts).
   * Values chosen on lab-realism tuning seeds < 100 (gradient and vignetting up to ±6 %, JPEG
   * 70–90, whole-field sections); seeds ≥ 3000 are held out (src/eval/lab-light.ts).
   */
  illumination: z
    .object({
      /** 'fit': estimate the flat field from the overview and correct OD with it; 'none': uniform illumination */
      mode: z.enum(['fit', 'none']).default('fit'),
      /**
       * Blocks along the overview's longer side. Each block must hold a few of the brightest
       * structures (fibre interiors ~50 µm, glass); 12 keeps ≥ 4 px (32 µm) blocks on a 0.5 mm
       * field at the 8 µm/px overview, and gives the six quadratic terms ≥ 100 blocks to fit.
       */
      blocksPerSide: z.number().int().min(4).max(64).default(12),
      /** a block's brightness is its 90th percentile: its brightest structure, above dust and single bright pixels */
      blockPercentile: z.number().min(0.5).max(1).default(0.9),
      /**
       * Blocks more than this (log10 of brightness, 0.01 ≈ 2.3 %) below the fitted surface are
       * darker tissue, not illumination, and leave the fit: the surface settles on the upper
       * envelope. Glass blocks scatter by < 0.5 % after JPEG; pale tissue blocks by ~1–2 %.
       */
      envelopeTolerance: z.number().positive().default(0.01),
      /**
       * A fitted field that varies by less than this (relative, darkest vs brightest) is taken as
       * flat and not applied: clean slides then keep their scores exactly, and a fit of tissue
       * structure alone (whole-field, ~0.5 %) moves nothing. 1 % of I0 is 0.004 OD per channel.
       */
      minCorrection: z.number().min(0).max(0.5).default(0.01),
      /**
       * Glass is featureless: the bright mode of the overview is glass only when its median
       * relative |Laplacian| (4-neighbour, summed RGB) is at most this. At 8 µm/px it measured
       * 0.004–0.0083 on glass (tuning seeds 10–27, JPEG 71–90) and 0.022–0.21 on the brightest
       * tissue of whole-field sections (unstained fibres, cell-scene stroma): borders and nuclei
       * survive the averaging. 0.013 is the geometric middle of the closest pair.
       */
      maxGlassTexture: z.number().positive().default(0.013),
      /**
       * For the glass-only fit, a pixel is glass when it and its 8 neighbours have a relative
       * |Laplacian| at most this: looser than the median rule, since single glass pixels reach
       * ~2× the median, while tissue edges and flat middles of single fibres still drop out.
       */
      glassPixelTexture: z.number().positive().default(0.02),
      /**
       * Glass in view makes one clear region: its largest 4-connected piece of featureless bright
       * pixels (glassPixelTexture) is at least this share of the overview. Measured over every
       * eval set: 0.040–0.37 where glass is in view; a whole-field unstained section made outside
       * the project (bench/outside-field.mjs, pale fibres whose cores pass the texture rule) 0.013,
       * its largest piece two merged fibre cores. 0.025 lies between.
       */
      minGlassRegion: z.number().min(0).max(1).default(0.025),
      /**
       * Glass in pieces (a section that reaches the image's edge in places) counts when the
       * featureless pixels add up to minGlassRegion and their median chroma, (max − min) / mean of
       * R, G, B, is at most this: glass is neutral on a white-balanced scan (0.000 on every glass
       * piece of the shipped slides and lab-realism tuning seeds 10–23, JPEG 84–90, at 8 µm/px),
       * pale fibre cores keep their stain's tint (0.026 for the unstained whole-field section of
       * test/pipeline/whole-field-pale.test.ts, 0.10 on the field made outside the project,
       * bench/outside-field.mjs). Glass under a tinted light (an unbalanced camera) is still found
       * when it makes one clear region. src/stain/illumination.ts isGlass.
       */
      maxGlassChroma: z.number().min(0).max(1).default(0.01),
    })
    .prefault({}),
  tissue: z
    .object({
      /** µm/px of the low-resolution tissue mask */
      maskMpp: z.number().positive().default(8),
      /**
       * a pixel is tissue when its summed RGB OD (against the slide's glass I0) reaches this.
       * Pale counterstained stroma sums to ~0.08–0.2; glass noise stays below ~0.06. Tuned on
       * synthetic seeds 11–16: 0.12 lost 1–3% of tissue area (density too high by as much),
       * 0.08 recovers it to within 0.03%.
       */
      odThreshold: z.number().positive().default(0.08),
    })
    .prefault({}),
  nucleus: z
    .object({
      backgroundRadiusUm: z.number().nonnegative().default(8),
      sigmaUm: z.number().nonnegative().default(1.5),
      hematoxylinThreshold: z.number().positive().default(0.1),
      minAreaUm2: z.number().nonnegative().default(10),
      maxAreaUm2: z.number().positive().default(400),
      splitTouching: z.boolean().default(true),
      /**
       * Shape split, µm. Touching nuclei have centres ≥ ~0.75 × the sum of their radii apart, radii
       * 3–5 µm (SCIENCE.md: nuclei 7–10 µm across), so two real distance-map peaks are ≥ ~4.5 µm
       * apart; the neck can be shallow, so any peak standing clear of discretisation noise
       * (0.1 µm = 0.2 px) counts and the separation alone rejects ridge wobble. Tuned on seeds 1–11
       * (precision stayed 1.0). Used by both detectors.
       */
      splitDynamicUm: z.number().nonnegative().default(0.1),
      splitMinSeparationUm: z.number().nonnegative().default(3),
      /**
       * A thin object (distance-map peak under splitThinPeakUm: a strip, an elongated nucleus) is
       * split only where the neck is at least splitRelativeDynamic of the peak's height narrower:
       * along a strip the ridge wobbles by a few tenths of a µm and the absolute 0.1 µm rule cut it
       * into pieces; round nuclei (peaks ≥ 3.5 µm) keep the absolute rule, their real necks can be
       * shallow. Tuning seeds: muscle 1–30 (elongated myonuclei) nucleus F1 mean 0.9795 → 0.9886,
       * worst 0.9742 → 0.9790, locations and CD163 densities unchanged; cell seeds 1–11 F1
       * unchanged (0.9982); lab-realism tuning seeds 10–97 (44 cell, CD163 and CD3 slides) F1
       * 0.9978 → 0.9979, mean density error 0.92 → 1.01 %, slides missing a bar 3 → 3. Found on
       * held-out seed 5001 (a macrophage clipped by the section edge, a 15 × 4 µm strip, split in
       * two: CD163+ density 12.3 % high); chosen on the tuning seeds above. 0.15 or 0.2 without the
       * thin gate cost cell F1 (0.998 → 0.985–0.992): overlapping round nuclei have shallow necks.
       */
      splitRelativeDynamic: z.number().min(0).max(1).default(0.2),
      splitThinPeakUm: z.number().nonnegative().default(2.5),
      /**
       * Nucleus edge = edgeFraction of the brightest smoothed value within ±edgeWindowUm (a local
       * half-maximum), never below hematoxylinThreshold. A global 0.1 OD level on the σ = 1.5 µm
       * smoothed image puts the contour 1–2 µm outside dark nuclei: it fills the neck between
       * touching nuclei (no shape left to split) and dilutes nuclear DAB means with stroma. Tuned on
       * synthetic seeds 1–11.
       */
      edgeFraction: z.number().min(0).max(1).default(0.5),
      edgeWindowUm: z.number().positive().default(2),
      /** light smoothing of the plane the edge is taken on: noise off, neck kept */
      edgeSigmaUm: z.number().nonnegative().default(0.5),
    })
    .prefault({}),
  /**
   * nucleus → cell growth, µm. QuPath uses 5 (SCIENCE.md); 3 here because the nucleus edge is
   * the local half-maximum (tighter than QuPath's), and a 5 µm ring overshoots the cytoplasm and
   * dilutes the cell / cytoplasm DAB mean with stroma (synthetic seeds 1–11: grade accuracy
   * 0.82–0.92 at 5 µm, 0.99 at 3 µm).
   */
  cellExpansionUm: z.number().nonnegative().max(50).default(3),
  /** which compartment's mean DAB OD grades a cell */
  compartment: Compartment.default('cell'),
  /**
   * The cytoplasm compartment's DAB OD is the mean of this top share of its ring pixels (highest
   * DAB first); 1 is the plain ring mean. Below 1 a thin or partial stained rim is not diluted by
   * the unstained pixels the ring also takes in. Nucleus and whole-cell DAB are plain means always.
   */
  ringUpperFraction: z.number().gt(0).max(1).default(1),
  /**
   * Grade a cell on its compartment's DAB above the tissue round it: a plane is fitted to the DAB
   * of a band from gapUm to gapUm + widthUm beyond the cell's edge, other cells' pixels left out
   * (slope by least squares, level by the median: src/detect/surround-plane.ts), taken off each of
   * the cell's pixels, and the compartment measured again on what is left. For stains that also
   * colour the tissue diffusely (IL-1 in sarcoplasm and stroma: registry), where a negative cell
   * lying in a stained patch, or on its flank, would otherwise read positive. The band starts
   * clear of the cell so the cell's own stain, blurred or spread past the grown cell, is not taken
   * for its surround. Off by default (nothing taken off).
   */
  surroundDab: z
    .object({
      enabled: z.boolean().default(false),
      gapUm: z.number().nonnegative().max(50).default(3),
      widthUm: z.number().positive().max(50).default(6),
    })
    .prefault({}),
  /**
   * Undo the partial-volume loss of a thin stained ring (the cytoplasm compartment: a membrane
   * marker's rim, CD68's cytoplasm; registry) on scans coarser than the pixel size its grading was
   * calibrated at (src/detect/rim-partial-volume.ts): the cytoplasm DAB is read in light as
   * (1 − 10^−od) / (f(mpp) / f(referenceMpp)), f = erf(widthUm / (2√2 · psfPx · mpp)), the centred
   * capture of a ring widthUm wide under a Gaussian blur of psfPx pixels. Off by default. psfPx
   * 0.79: the effective blur (optics and JPEG 4:2:0 chroma) that takes a 2 µm membrane's reading
   * at 1 µm/px to 0.805 of its 0.5 µm/px one in light, the median of 14 lab-realism tuning slides
   * (CD3/CD4/CD8 seeds 14–128 with the held-out fibrous stroma, both pixel sizes: 0.73–0.89).
   */
  rimPartialVolume: z
    .object({
      enabled: z.boolean().default(false),
      widthUm: z.number().positive().max(20).default(2),
      psfPx: z.number().positive().max(10).default(0.79),
      referenceMpp: z.number().positive().max(10).default(0.5),
      /**
       * The loss read from the tile's own rims instead (a membrane marker's rim: registry): a
       * slide's loss varies round the median psfPx stands for (0.73–0.89 of the 0.5 µm/px reading
       * on the tuning slides), and how much of a rim's light its 1 µm rim keeps against a plain
       * ring of wideUm follows it. R = the median over the tile's cells whose rim reads at least
       * minOd of (1 − 10^−wide) / (1 − 10^−rim); the rim's capture of the planted DAB in light is
       * slope · R + intercept, against `reference` at 0.5 µm/px. Fitted at 1 µm/px on the 14
       * tuning slides (CD3/CD4/CD8 seeds 14–128, held-out fibrous stroma): R² 0.76, residual s.d.
       * 0.026 against 0.053 for the capture alone; reference: their median capture at 0.5 µm/px.
       * Taken in full at 1 µm/px and coarser, blended with the psfPx model from referenceMpp
       * (where both are 1) up to it; a tile with fewer than minCells stained rims keeps the model.
       */
      perTile: z
        .object({
          enabled: z.boolean().default(false),
          wideUm: z.number().positive().max(20).default(3),
          minOd: z.number().nonnegative().default(0.15),
          minCells: z.number().int().min(1).default(10),
          slope: z.number().default(0.673),
          intercept: z.number().default(0.338),
          reference: z.number().positive().max(1).default(0.985),
        })
        .prefault({}),
    })
    .prefault({}),
  /** 1+, 2+, 3+ DAB OD thresholds (SCIENCE.md) */
  gradeThresholds: z
    .tuple([z.number(), z.number(), z.number()])
    .default([0.2, 0.4, 0.6])
    .refine((t) => t[0] < t[1] && t[1] < t[2], 'grade thresholds must increase'),
  /** DAB OD at or above which a tissue pixel counts as positive area (SCIENCE.md) */
  positiveAreaThreshold: z.number().positive().default(0.25),
  /**
   * Nucleus detector: 'classical' (background-corrected hematoxylin threshold + watershed,
   * src/detect/nuclei.ts) or 'model' (the U-Net in models/nuclei-unet, src/detect/model.ts).
   */
  detector: NucleusDetectorId.default('classical'),
  /**
   * Which version of the learned detector (params.detector 'model'): the 12-hex weights hash of a
   * version under models/nuclei-unet/versions/ (written beside the shipped model by `train
   * --from-corrections`, never over it); absent = the shipped model (models/nuclei-unet).
   */
  modelVersion: z
    .string()
    .regex(/^[0-9a-f]{12}$/, 'a model version is the 12-hex weights hash of a folder under models/nuclei-unet/versions/')
    .optional(),
  muscle: z
    .object({
      /**
       * Muscle analysis: fibres segmented, each cell located (endomysial / perimysial /
       * perivascular, inside a fibre or not), tissue taken as the whole section. Left out, the
       * slide's marker decides (markers whose scorers need fibres or locations, src/domain/marker.ts).
       */
      enabled: z.boolean().optional(),
      /**
       * Tile overlap for muscle, µm: a fibre is segmented whole only when its tile reads all of it;
       * fibres reach ~150 µm across (min Feret up to ~80–100 µm in myositis), and a cell's location
       * looks ~45 µm around it (vessel wall + perivascular reach).
       */
      overlapUm: z.number().nonnegative().max(400).default(100),
      /**
       * Fibres, fascicles, perimysium and cell locations are found on the tile binned to about
       * this pixel size, µm (the largest whole factor not coarser; 2 × 2 at 0.5 µm/px): fibres are
       * 10–150 µm across and septa ≥ 10 µm, while at the analysis resolution fibre segmentation
       * was two thirds of a muscle tile's time (issue 13). Section tissue, vessels, nuclei and cells
       * stay at the analysis resolution. Default 1: a muscle tile runs 1.8× faster than at 0.5
       * (bench 4096² MHC-I section, one thread: 0.54 → 0.99 MP/s; fibres 991 → 354 ms/MP,
       * perimysium 273 → 72) and every eval bar holds (muscle held-out fibre F1 worst 0.982 as at
       * 0.5, Feret 2.8 %, worst infiltrate location accuracy 0.870 → 0.826, bar 0.80; widened,
       * lab-light, lab-realism and QC figures as at 0.5). Binning was first tried (bq-analysis-10)
       * and undone (-11) when lab-realism seed 5043 lost its one narrow stained fibre: the corner
       * hull read it 0.787 solid at 1 µm (0.829 at 0.5); solidity is now measured alike at any
       * pixel size (image/solidity.ts).
       */
      structureUm: z.number().positive().max(8).default(1),
      /**
       * Section rule for tissue: summed RGB OD, smoothed over tissueSmoothUm, at or above this;
       * the rest is glass (and vessel lumens). Pale fibre interiors sum to only ~0.05–0.1 OD, under
       * the cell rule's 0.08 per pixel, yet they are tissue; glass noise (σ ≈ 0.012 summed per pixel
       * at 2–4 levels of noise) falls to ~0.0035 after a 1 px Gaussian, so 0.025 keeps ~7σ from
       * glass and half the palest fibre. More smoothing would draw a halo of "tissue" into the glass
       * (σ = 2 µm overstated section area by 2–3% on synthetic tuning seeds 1–8, and fibres at the
       * section's edge grew into it, diluting their sarcolemmal ring).
       */
      tissueOd: z.number().positive().default(0.025),
      tissueSmoothUm: z.number().nonnegative().max(20).default(0.5),
      /**
       * A muscle slide whose segmented fibres cover less than this share of its tissue fails
       * ("no muscle fibres found") instead of being scored (issue 18): with the fibres missed,
       * every cell reads as perimysial and an MHC-I slide as grade 0, a clean negative it is not.
       * Fibres are ~70–90 % of a cross-section (endomysium, septa and vessels the rest); 0.5 (the
       * issue's figure) leaves room for wide perimysium, atrophy and the segmented outline running
       * ~1 µm inside the true one.
       */
      minFibreCoverage: z.number().min(0).max(1).default(0.5),
      /**
       * The same bar for muscle slides whose marker is scored on located cells (CD163, CD3, CD45,
       * infiltrates): without fibres their cells all read perimysial (issue 18's first finding).
       * minFibreCoverage's 0.5, for the same reasons. Below it (or without fascicles, below) the
       * slide keeps its location-free scores (densities overall, grades, area) and withholds every
       * location-based one, with the QC message in markerScores.skipped (src/score/muscle-structure.ts):
       * failing the whole slide would also refuse cell fields (no fibres at all) analysed under these
       * markers, whose overall densities are right. IL-1 slides (no location) are not asked.
       */
      minFibreCoverageLocated: z.number().min(0).max(1).default(0.5),
      /**
       * Fascicles found (issue 18 point 3): located scores are withheld when fewer than
       * minFascicledShare of the fibres lie in a fascicle (as its tile saw it) of at least
       * fascicleMinFibres. Own choice: a fascicle holds tens to hundreds of fibres, and even the
       * widened set's biggest fibres (80 µm spacing) in its smallest fascicles (250 µm) give ~9 a
       * fascicle; a tile edge clips a fascicle's corner into small pieces, a minority of its
       * fibres. Where every fibre stands apart (endomysium wider than a septum all over) the share
       * is ~0. Measured on issue 18 tuning seeds 60–71: 0.96–1.00 of the fibres in such fascicles.
       */
      fascicleMinFibres: z.number().int().min(1).default(4),
      minFascicledShare: z.number().min(0).max(1).default(0.5),
    })
    .prefault({}),
  /** muscle fibre segmentation (src/detect/fibres.ts) */
  fibres: FibreParams.prefault({}),
  /** vessels of a muscle section (src/detect/vessels.ts) */
  vessels: VesselParams.prefault({}),
  /** where a cell outside the fibres sits (src/score/cell-location.ts, perimysium-mask.ts) */
  location: LocationParams.prefault({}),
  /** cellular infiltrates and the JDM score tool grade (src/score/infiltrates.ts) */
  infiltrates: InfiltrateParams.prefault({}),
  /** IL-1 "expressed" call (src/score/il1.ts) */
  il1: Il1Params.prefault({}),
  cd163: z
    .object({
      /** lowest cell grade that counts as CD163+: 1+ (SCIENCE.md "Cells": 1+ ≥ 0.2 OD) */
      minGrade: z.number().int().min(1).max(3).default(1),
    })
    .prefault({}),
  /** MHC class I fibre positivity and pattern (src/score/mhc1.ts) */
  mhc1: Mhc1Params.prefault({}),
  /** automatic quality control: artefacts excluded from the scores (src/detect/qc/) */
  qc: QcParams.prefault({}),
});
export type AnalysisParams = z.infer<typeof AnalysisParams>;

/** the tile core an analysis runs on: params.tileSize when given, else its mode's default */
export function tileSizeOf(params: Pick<AnalysisParams, 'tileSize' | 'muscle'>): number {
  return params.tileSize ?? (params.muscle.enabled ? MUSCLE_TILE_SIZE : CELL_TILE_SIZE);
}
export type AnalysisParamsInput = z.input<typeof AnalysisParams>;

export function resolveParams(input: AnalysisParamsInput = {}): AnalysisParams {
  return AnalysisParams.parse(input);
}

/** Key-order independent JSON so equal parameters always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function paramsHash(params: AnalysisParams): string {
  return createHash('sha256').update(canonicalJson(params)).digest('hex').slice(0, 16);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parameter inputs layered left to right (later wins): objects merge key by key, anything else
 * (numbers, strings, the grade tuple) is replaced whole; undefined never overrides.
 */
export function mergeParamsInput(...layers: readonly AnalysisParamsInput[]): AnalysisParamsInput {
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) {
      if (v === undefined) continue;
      out[k] = isPlainObject(v) && isPlainObject(out[k]) ? merge(out[k], v) : v;
    }
    return out;
  };
  return layers.reduce<Record<string, unknown>>((acc, l) => merge(acc, l as Record<string, unknown>), {}) as AnalysisParamsInput;
}

/**
 * A user's parameter overrides at a boundary (API body, manifest): checked against AnalysisParams,
 * but kept as given, so per-marker settings (src/domain/marker-params.ts) can still fill in what
 * the user left out. Resolving here would turn "not said" into the default and hide the marker's.
 */
export const AnalysisParamsOverrides = z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
  const r = AnalysisParams.safeParse(v);
  if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message, path: i.path });
});
