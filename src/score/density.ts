/** Tissue area in mm² from a pixel count at `mpp` µm/px: pixels · mpp² / 10⁶ (SCIENCE.md). */
export function tissueAreaMm2(tissuePixels: number, mpp: number): number {
  if (!(mpp > 0 && Number.isFinite(mpp))) throw new RangeError(`pixel size must be a positive number of µm/px, got ${mpp}`);
  if (!(tissuePixels >= 0)) throw new RangeError(`tissue pixel count must be ≥ 0, got ${tissuePixels}`);
  return (tissuePixels * mpp * mpp) / 1e6;
}

/** Count per mm²; 0 (never NaN or Infinity) when there is no tissue. */
export function perMm2(count: number, areaMm2: number): number {
  return areaMm2 > 0 ? count / areaMm2 : 0;
}
