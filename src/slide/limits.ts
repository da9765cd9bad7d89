/**
 * Largest levels we agree to open. A tiled level is read tile by tile, so only its tile index has
 * to fit in memory: 10 gigapixels is ~3× the largest whole-slide scans (≈100k × 100k at 0.25 µm/px
 * is 10 GP). A non-tiled image (PNG, JPEG, strip TIFF) can only be decoded front to back, so every
 * region read may decode up to the whole image: 1 gigapixel keeps that bounded (libvips streams it,
 * memory stays flat, but time does not).
 */
export const MAX_TILED_LEVEL_PIXELS = 10e9;
export const MAX_FLAT_PIXELS = 1e9;

export function describePixels(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toPrecision(3)} gigapixels` : `${(n / 1e6).toPrecision(3)} megapixels`;
}
