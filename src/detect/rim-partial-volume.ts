/**
 * A thin stained rim read on a coarse scan (issue 15: a lymphocyte's membrane, ~2 µm with its DAB
 * precipitate, scanned at 1 µm/px) is partly averaged with the unstained pixels beside it. A
 * scanner's optics blur over about one pixel whatever its magnification (objective and sensor are
 * matched near Nyquist), so at 1 µm/px the blur is as wide as the rim, while at 0.5 µm/px, where
 * the membrane grading was calibrated (src/domain/marker.ts), it is half as wide.
 *
 * Blur and JPEG's chroma subsampling average light, not OD: the rim's best pixel transmits
 * (1 − f)·T_beside + f·T_rim, f the share of its blurred footprint on the rim. With the unstained
 * side at T_beside = 1 (DAB OD 0) the rim's own DAB OD is −log10(1 − (1 − 10^−od) / f). f is the
 * centred capture of a rim widthUm wide under a Gaussian blur of psfPx pixels,
 * erf(width / (2√2 σ)); the correction is by the capture at the slide's pixel size against the
 * capture at the calibration pixel size, and never more than 1 (finer scans are read as they are:
 * their grading is calibrated already). A plain OD ratio would not do: the loss grows with the
 * rim's darkness (held-out 1 µm/px scans: planted 0.28 read 0.18, planted 0.87 read 0.41; the
 * capture ratio in light is 0.71 for both).
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

export interface RimPartialVolume {
  widthUm: number;
  psfPx: number;
  referenceMpp: number;
  perTile: { enabled: boolean; minOd: number; minCells: number; slope: number; intercept: number; reference: number };
}

const erf = (x: number): number => 2 * normalCdf(x * Math.SQRT2, 0, 1) - 1;

/** the share of the light a DAB OD takes out: what blur and chroma subsampling average */
const deficit = (od: number): number => 1 - 10 ** -od;

/** f(mpp) / f(referenceMpp), at most 1: how much of a rim's light deficit its best pixel keeps, against the calibration scan. */
export function rimCaptureRatio(mpp: number, p: RimPartialVolume): number {
  const capture = (um: number): number => erf(p.widthUm / (2 * Math.SQRT2 * p.psfPx * um));
  return Math.min(1, capture(mpp) / capture(p.referenceMpp));
}

/** Deepest light loss a corrected rim may read: OD 3, beyond any DAB a brightfield scan resolves. */
const MAX_LOSS = 1 - 1e-3;

/** The rim's DAB OD with its partial-volume loss undone (`ratio` from rimCaptureRatio; 1 leaves `od` as it is). */
export function correctRimOd(od: number, ratio: number): number {
  if (ratio >= 1) return od;
  return -Math.log10(1 - Math.min(MAX_LOSS, deficit(od) / ratio));
}

/**
 * The tile's own capture ratio (params.rimPartialVolume.perTile): from R, the median share of a
 * stained rim's light deficit that a plain wide ring keeps (`rim`, `wide`: each cell's DAB OD,
 * index 0 unused), over the cells whose rim reads at least minOd. Blended with `model` (the psfPx
 * ratio) from the calibration pixel size (weight 0) to 1 µm/px (weight 1), where it was fitted.
 * Null where the tile has fewer than minCells stained rims.
 */
export function tileCaptureRatio(rim: ArrayLike<number>, wide: ArrayLike<number>, mpp: number, model: number, p: RimPartialVolume): number | null {
  const t = p.perTile;
  const shares: number[] = [];
  for (let l = 1; l < rim.length; l++) if (rim[l] >= t.minOd) shares.push(deficit(wide[l]) / deficit(rim[l]));
  if (shares.length < t.minCells) return null;
  shares.sort((a, b) => a - b);
  const r = shares[shares.length >> 1];
  const own = Math.min(1, (t.slope * r + t.intercept) / t.reference);
  // (a calibration at 1 µm/px or coarser leaves nothing to blend: the tile's own in full)
  const weight = p.referenceMpp >= 1 ? 1 : Math.min(1, Math.max(0, (mpp - p.referenceMpp) / (1 - p.referenceMpp)));
  return Math.min(1, weight * own + (1 - weight) * model);
}
