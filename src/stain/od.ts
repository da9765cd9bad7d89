/**
 * Optical density, OD = -log10(max(I, 1) / I0), clamped at >= 0 (SCIENCE.md, Ruifrok & Johnston 2001).
 * I0 is the background (blank glass) intensity: one number for all channels, or one per channel
 * when it was estimated from the slide (see background.ts).
 */
export type I0 = number | readonly [number, number, number];

function checkI0(i0: number): number {
  if (!(Number.isFinite(i0) && i0 >= 1 && i0 <= 255)) throw new RangeError(`background intensity I0 must lie in [1, 255], got ${i0}`);
  return i0;
}

/** OD of one intensity. I is clamped at 1 so black pixels give a finite OD; brighter-than-background gives 0. */
export function odOf(i: number, i0 = 255): number {
  const od = -Math.log10(Math.max(i, 1) / checkI0(i0));
  return od > 0 ? od : 0;
}

/** OD of every 8-bit intensity, so pixel loops look values up instead of calling Math.log (DESIGN.md). */
export function odLut(i0 = 255): Float32Array {
  checkI0(i0);
  const lut = new Float32Array(256);
  for (let i = 0; i < 256; i++) lut[i] = odOf(i, i0);
  return lut;
}

/** Per-channel I0 as a triple, whichever form it was given in. */
export function i0Triple(i0: I0): [number, number, number] {
  return typeof i0 === 'number' ? [i0, i0, i0] : [i0[0], i0[1], i0[2]];
}

/** One OD LUT per RGB channel; shares the table when all channels have the same I0. */
export function odLuts(i0: I0): [Float32Array, Float32Array, Float32Array] {
  const [r, g, b] = i0Triple(i0);
  const lr = odLut(r);
  const lg = g === r ? lr : odLut(g);
  const lb = b === r ? lr : b === g ? lg : odLut(b);
  return [lr, lg, lb];
}

/**
 * Summed RGB OD per pixel of interleaved RGB (`n` pixels); with `light` (log10 of the relative
 * illumination per pixel, flat-field.ts) each channel's OD is taken against I0 · S, clamped at 0.
 */
export function summedOd(rgb: Uint8Array, n: number, i0: I0, light?: Float32Array): Float32Array<ArrayBuffer> {
  const [lr, lg, lb] = odLuts(i0);
  const out = new Float32Array(n);
  if (!light) for (let i = 0, s = 0; i < n; i++, s += 3) out[i] = lr[rgb[s]] + lg[rgb[s + 1]] + lb[rgb[s + 2]];
  else {
    for (let i = 0, s = 0; i < n; i++, s += 3) {
      const o = light[i];
      out[i] = Math.max(0, lr[rgb[s]] + o) + Math.max(0, lg[rgb[s + 1]] + o) + Math.max(0, lb[rgb[s + 2]] + o);
    }
  }
  return out;
}
