/**
 * Largest levels we agree to open. A tiled level is read tile by tile, so only its tile index has
 * to fit in memory: 10 gigapixels is ~3× the largest whole-slide scans (≈100k × 100k at 0.25 µm/px
 * is 10 GP). A non-tiled image (PNG, JPEG, strip TIFF) can only be decoded front to back, so every
 * region read past MAX_CACHED_FLAT_PIXELS decodes the rows above it again: the cost grows with
 * the square of the image (measured: a 30 000² PNG read and planned in ~20 s, then ~3 s per tile,
 * ~45 min for its 900 tiles on one thread). 200 megapixels (~14 000²) is 4× the largest camera
 * photographs and analyses in minutes; anything larger is a whole slide exported flat, and the
 * message asks for the tiled pyramid it should be.
 */
export const MAX_TILED_LEVEL_PIXELS = 10e9;
export const MAX_FLAT_PIXELS = 200e6;

export function describePixels(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toPrecision(3)} gigapixels` : `${(n / 1e6).toPrecision(3)} megapixels`;
}

/**
 * A non-tiled image up to this size is decoded once and kept while the slide is open: PNG, JPEG
 * and strip TIFF can only be decoded from the top, so otherwise every tile read re-decodes all
 * rows above it (measured: 5000² PNG, 1024² region at the bottom 630 ms vs 90 ms at the top).
 * 40 MP is 120 MB of RGB per open slide.
 */
export const MAX_CACHED_FLAT_PIXELS = 40e6;

/**
 * A non-tiled image over MAX_CACHED_FLAT_PIXELS is decoded from the top for every region read, so
 * its decoded size costs time on every tile. Scanned tissue compresses about 3:1 (PNG) to 20:1
 * (JPEG), glass-heavy images perhaps 50:1; a file whose decoded RGB is more than this many times
 * its own size is a decompression bomb (a 390 kB PNG of 20 000² zeros decodes to 1.2 GB and held
 * one analysis for minutes), refused before it is decoded.
 */
export const MAX_FLAT_EXPANSION = 250;
