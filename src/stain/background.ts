/**
 * Background intensity I0 per channel, from the slide's brightest tissue-free pixels
 * (SCIENCE.md: I0 = background, 255 default or estimated). Blank glass is rarely pure white and
 * its tint differs per channel; an I0 that is too high puts a false OD floor under every pixel.
 */
export interface BackgroundOptions {
  /** the brightest fraction of pixels (by R+G+B) that anchors the search; 0.01 = 99th percentile */
  brightFraction?: number;
  /** summed-RGB distance below that anchor still counted as glass (noise of a few levels per channel) */
  band?: number;
  /** fewer candidate pixels than this and the estimate falls back to 255 */
  minPixels?: number;
}

export interface BackgroundEstimate {
  /** per-channel I0, clamped to [200, 255] */
  i0: [number, number, number];
  /** pixels the estimate came from (0 when it fell back) */
  pixels: number;
  /** true when a channel hit the [200, 255] clamp: likely no glass in view, or a dark scan */
  clamped: boolean;
  /** the candidates were the pixels with R+G+B at or above this */
  lowestSum: number;
}

/** Clamp range: below 200 the "background" is almost surely tissue (a tile with no glass). */
export const I0_MIN = 200;
export const I0_MAX = 255;

/**
 * Anchor = the 99th percentile of R+G+B; candidates = pixels within `band` of it; I0 per channel =
 * the median of the candidates. The band keeps the whole glass mode rather than only its
 * noise tail (the tail alone would bias I0 upward), and the median ignores dust and stray tissue.
 */
export function estimateBackground(rgb: Uint8Array, opts: BackgroundOptions = {}): BackgroundEstimate {
  const brightFraction = opts.brightFraction ?? 0.01;
  const band = opts.band ?? 24;
  const minPixels = opts.minPixels ?? 50;
  if (rgb.length % 3 !== 0) throw new RangeError(`interleaved RGB needs a multiple of 3 samples, got ${rgb.length}`);
  if (!(brightFraction > 0 && brightFraction <= 1)) throw new RangeError(`brightFraction must lie in (0, 1], got ${brightFraction}`);
  const n = rgb.length / 3;

  const sumHist = new Uint32Array(766);
  for (let s = 0; s < rgb.length; s += 3) sumHist[rgb[s] + rgb[s + 1] + rgb[s + 2]]++;
  const want = Math.max(1, Math.ceil(brightFraction * n));
  let anchor = 765;
  for (let seen = sumHist[765]; seen < want && anchor > 0; ) seen += sumHist[--anchor];
  const lowest = Math.max(0, anchor - band);

  const hist = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  const [hr, hg, hb] = hist;
  let pixels = 0;
  for (let s = 0; s < rgb.length; s += 3) {
    const r = rgb[s], g = rgb[s + 1], b = rgb[s + 2];
    if (r + g + b >= lowest) {
      hr[r]++;
      hg[g]++;
      hb[b]++;
      pixels++;
    }
  }
  if (pixels < minPixels) return { i0: [I0_MAX, I0_MAX, I0_MAX], pixels: 0, clamped: false, lowestSum: lowest };

  let clamped = false;
  const i0 = hist.map((h) => {
    const m = medianOfHistogram(h, pixels);
    if (m < I0_MIN || m > I0_MAX) clamped = true;
    return Math.min(I0_MAX, Math.max(I0_MIN, m));
  }) as [number, number, number];
  return { i0, pixels, clamped, lowestSum: lowest };
}

function medianOfHistogram(h: Uint32Array, total: number): number {
  const half = total / 2;
  let seen = 0;
  for (let v = 0; v < h.length; v++) {
    seen += h[v];
    if (seen >= half) return v;
  }
  return h.length - 1;
}
