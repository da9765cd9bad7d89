/** When a muscle fibre counts as MHC class I positive (applied in src/score/mhc1.ts). */
export interface Mhc1Thresholds {
  /** ring mean DAB OD at or above which the sarcolemma counts as stained */
  ring: number;
  /** interior mean DAB OD at or above which the sarcoplasm counts as stained */
  interior: number;
}

/**
 * Both start from SCIENCE.md's 1+ threshold for a compartment mean (DAB OD ≥ 0.2, QuPath). The
 * interior keeps it. The ring mean (segmentFibres: 3 µm band inside the fibre's border + 1 µm
 * outside) averages a 2–4 µm stained sarcolemma with unstained edge and endomysium pixels,
 * roughly halving it, so the ring threshold is half: 0.1. On synthetic muscle seeds 1–8 (1024²)
 * truth-negative fibres measured ring ≤ 0.059 and interior ≤ 0.060; ring-only positives (planted
 * 0.3–0.65) measured ring ≥ 0.127; sarcoplasmic positives (planted 0.25–0.5) interior ≥ 0.25.
 */
export const MHC1_THRESHOLDS: Mhc1Thresholds = { ring: 0.1, interior: 0.2 };
